/*
 * pair_and_send: link a new device by QR code, then log in.
 *
 *   pair_and_send WS_URL ROOT_KEY_HEX STORE_PATH
 *
 * (or set WAZAP_WS_URL, WAZAP_ROOT_KEY, WAZAP_STORE). Against the sandbox:
 *   wazap-sandbox --listen 127.0.0.1:0   # prints ws_url and root_public_key
 *   curl -d '{"phone":"15550001","push_name":"Me"}' http://ADDR/control/accounts
 *   ./pair_and_send ws://ADDR/ws/chat ROOTKEY /tmp/me.db
 *   # it prints "QR <code>": scan it with the phone, or with the sandbox:
 *   curl -d '{"phone":"15550001","qr":"<code>"}' http://ADDR/control/pair
 *
 * Output lines: "QR <code>", "PAIRED <status json>", "DONE". Errors go to stderr; the exit
 * status is then 1.
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

static const char *arg(int argc, char **argv, int i, const char *env) {
    return i < argc ? argv[i] : getenv(env);
}

int main(int argc, char **argv) {
    const char *url = arg(argc, argv, 1, "WAZAP_WS_URL");
    const char *root_key = arg(argc, argv, 2, "WAZAP_ROOT_KEY");
    const char *store = arg(argc, argv, 3, "WAZAP_STORE");
    if (!url || !root_key || !store) {
        fprintf(stderr, "usage: %s WS_URL ROOT_KEY_HEX STORE_PATH\n", argv[0]);
        return 2;
    }

    char config[1024];
    snprintf(config, sizeof config,
             "{\"url\":\"%s\",\"root_public_key\":\"%s\",\"device_name\":\"wazap C example\","
             "\"prekey_initial_batch\":20}",
             url, root_key);

    wazap_client *client = NULL;
    wazap_result r = wazap_client_new(store, config, &client);
    if (r != WAZAP_OK) return fail("wazap_client_new", r);

    int status = 1;
    char *json = NULL;
    if ((r = wazap_client_connect(client)) != WAZAP_OK) {
        fail("wazap_client_connect", r);
        goto out;
    }

    /* Unpaired: show the QR code, wait for the phone to scan it. */
    if (!(json = wait_for(client, "qr"))) goto out;
    wazap_string_free(json);
    char *qr = NULL;
    if ((r = wazap_client_qr(client, &qr)) != WAZAP_OK) {
        fail("wazap_client_qr", r);
        goto out;
    }
    printf("QR %s\n", qr);
    fflush(stdout);
    wazap_string_free(qr);

    if (!(json = wait_for(client, "pair_success"))) goto out;
    wazap_string_free(json);
    if (!(json = wait_for(client, "connected"))) goto out;
    wazap_string_free(json);

    if ((r = wazap_client_status(client, &json)) != WAZAP_OK) {
        fail("wazap_client_status", r);
        goto out;
    }
    printf("PAIRED %s\n", json);
    fflush(stdout);
    wazap_string_free(json);

    if ((r = wazap_client_disconnect(client)) != WAZAP_OK) {
        fail("wazap_client_disconnect", r);
        goto out;
    }
    printf("DONE\n");
    status = 0;

out:
    r = wazap_client_free(client);
    if (r != WAZAP_OK) return fail("wazap_client_free", r);
    return status;
}
