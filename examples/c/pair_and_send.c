/*
 * pair_and_send: link two devices by QR code (A and B, on two accounts), send a text from A to
 * B's number, and receive it on B.
 *
 *   pair_and_send WS_URL ROOT_KEY_HEX STORE_A STORE_B PHONE_B
 *
 * Against the sandbox:
 *   wazap-sandbox --listen 127.0.0.1:0   # prints ws_url and root_public_key
 *   curl -d '{"phone":"15550001","push_name":"A"}' http://ADDR/control/accounts
 *   curl -d '{"phone":"15550002","push_name":"B"}' http://ADDR/control/accounts
 *   ./pair_and_send ws://ADDR/ws/chat ROOTKEY /tmp/a.db /tmp/b.db 15550002
 *   # it prints "QR A <code>" then "QR B <code>": scan each with its phone, or with the sandbox:
 *   curl -d '{"phone":"15550001","qr":"<code>"}' http://ADDR/control/pair
 *
 * Output lines: "QR A|B <code>", "PAIRED A|B <status json>", "SENT <json>", "RECEIVED <json>",
 * "DONE". Errors go to stderr; the exit status is then 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wazap.h"

/* How long each step may take. */
#define STEP_TIMEOUT_MS 60000

static int fail(const char *what, wazap_result result) {
    char message[512];
    wazap_last_error_message(message, sizeof message, NULL);
    fprintf(stderr, "ERROR %s: %s: %s\n", what, wazap_result_name(result), message);
    return 1;
}

/* Whether the event JSON has the given type. The type is always the first key. */
static int is_type(const char *json, const char *type) {
    char prefix[64];
    snprintf(prefix, sizeof prefix, "{\"type\":\"%s\"", type);
    return strncmp(json, prefix, strlen(prefix)) == 0;
}

/* Pulls events until one of `type`; returns its JSON (free it) or NULL after the timeout. */
static char *wait_for(wazap_client *client, const char *type) {
    for (int waited = 0; waited < STEP_TIMEOUT_MS; waited += 500) {
        char *json = NULL;
        wazap_result r = wazap_client_next_event(client, 500, &json);
        if (r == WAZAP_TIMEOUT) continue;
        if (r != WAZAP_OK) {
            fail("wazap_client_next_event", r);
            return NULL;
        }
        if (is_type(json, type)) return json;
        wazap_string_free(json);
    }
    fprintf(stderr, "ERROR no %s event in time\n", type);
    return NULL;
}


/* Connects an unpaired client, prints its QR code, waits until it is paired and logged in. */
static int pair(wazap_client *client, const char *label) {
    wazap_result r;
    char *json = NULL;
    if ((r = wazap_client_connect(client)) != WAZAP_OK) return fail("wazap_client_connect", r);
    if (!(json = wait_for(client, "qr"))) return 1;
    wazap_string_free(json);
    char *qr = NULL;
    if ((r = wazap_client_qr(client, &qr)) != WAZAP_OK) return fail("wazap_client_qr", r);
    printf("QR %s %s\n", label, qr);
    fflush(stdout);
    wazap_string_free(qr);
    if (!(json = wait_for(client, "pair_success"))) return 1;
    wazap_string_free(json);
    if (!(json = wait_for(client, "connected"))) return 1;
    wazap_string_free(json);
    if ((r = wazap_client_status(client, &json)) != WAZAP_OK) return fail("wazap_client_status", r);
    printf("PAIRED %s %s\n", label, json);
    fflush(stdout);
    wazap_string_free(json);
    return 0;
}

static wazap_client *new_client(const char *url, const char *root_key, const char *store,
                                const char *name) {
    char config[1024];
    snprintf(config, sizeof config,
             "{\"url\":\"%s\",\"root_public_key\":\"%s\",\"device_name\":\"%s\","
             "\"prekey_initial_batch\":20}",
             url, root_key, name);
    wazap_client *client = NULL;
    wazap_result r = wazap_client_new(store, config, &client);
    if (r != WAZAP_OK) fail("wazap_client_new", r);
    return client;
}

/* quick-start:begin */
int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s WS_URL ROOT_KEY_HEX STORE_A STORE_B PHONE_B\n", argv[0]);
        return 2;
    }
    const char *url = argv[1], *root_key = argv[2], *phone_b = argv[5];
    int status = 1;
    wazap_result r;
    char *json = NULL;
    wazap_client *a = new_client(url, root_key, argv[3], "wazap C example A");
    wazap_client *b = new_client(url, root_key, argv[4], "wazap C example B");
    if (!a || !b) goto out;
    if (pair(a, "A") || pair(b, "B")) goto out;

    if ((r = wazap_client_send_text(a, phone_b, "hello from C", &json)) != WAZAP_OK) {
        fail("wazap_client_send_text", r);
        goto out;
    }
    printf("SENT %s\n", json);
    fflush(stdout);
    wazap_string_free(json);

    /* Skip protocol messages (the phone's app state keys and history sync for a new device). */
    while ((json = wait_for(b, "message")) && strstr(json, "\"kind\":\"protocol\"")) {
        wazap_string_free(json);
    }
    if (!json) goto out;
    printf("RECEIVED %s\n", json);
    wazap_string_free(json);

    if ((r = wazap_client_disconnect(a)) != WAZAP_OK || (r = wazap_client_disconnect(b)) != WAZAP_OK) {
        fail("wazap_client_disconnect", r);
        goto out;
    }
    printf("DONE\n");
    status = 0;

out:
    /* NULL is accepted. */
    if ((r = wazap_client_free(a)) != WAZAP_OK) return fail("wazap_client_free", r);
    if ((r = wazap_client_free(b)) != WAZAP_OK) return fail("wazap_client_free", r);
    return status;
}
/* quick-start:end */
