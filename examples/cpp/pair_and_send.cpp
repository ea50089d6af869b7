// pair_and_send (C++): the C example's conversation written with wazap.hpp's RAII wrappers.
// Links two devices by QR code (A and B, on two accounts), sends a text from A to B's number
// and receives it on B, through an event callback.
//
//   pair_and_send_cpp WS_URL ROOT_KEY_HEX STORE_A STORE_B PHONE_B
//
// Output lines: "QR A|B <code>", "PAIRED A|B <status json>", "SENT <json>", "RECEIVED <json>",
// "DONE". Errors go to stderr; the exit status is then 1. Build against an installed wazap:
//   cmake -S examples/cpp -B build -DCMAKE_PREFIX_PATH=/usr/local && cmake --build build
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <iostream>
#include <mutex>
#include <string>

#include <wazap.hpp>

namespace {

constexpr auto kStepTimeout = std::chrono::seconds(60);

// Pulls events until one of `type`; throws when none comes in time.
wazap::Event wait_for(const wazap::Client &client, const std::string &type) {
    const auto deadline = std::chrono::steady_clock::now() + kStepTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (auto event = client.next_event(std::chrono::milliseconds(500))) {
            if (event->type == type) return *event;
        }
    }
    throw std::runtime_error("no " + type + " event in time");
}

wazap::Client new_client(const std::string &url, const std::string &root_key,
                         const std::string &store, const std::string &name) {
    return wazap::Client(store, "{\"url\":\"" + url + "\",\"root_public_key\":\"" + root_key +
                                    "\",\"device_name\":\"" + name +
                                    "\",\"prekey_initial_batch\":20}");
}

void pair(const wazap::Client &client, const char *label) {
    client.connect();
    wait_for(client, "qr");
    std::cout << "QR " << label << " " << client.qr() << std::endl;
    wait_for(client, "pair_success");
    wait_for(client, "connected");
    std::cout << "PAIRED " << label << " " << client.status() << std::endl;
}

// Message events handed over from wazap's event thread.
class Inbox {
public:
    void push(std::string json) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            messages_.push_back(std::move(json));
        }
        ready_.notify_one();
    }

    std::string pop() {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!ready_.wait_for(lock, kStepTimeout, [this] { return !messages_.empty(); })) {
            throw std::runtime_error("no message event in time");
        }
        std::string json = std::move(messages_.front());
        messages_.pop_front();
        return json;
    }

private:
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::string> messages_;
};

}  // namespace

int main(int argc, char **argv) {
    if (argc != 6) {
        std::cerr << "usage: " << argv[0] << " WS_URL ROOT_KEY_HEX STORE_A STORE_B PHONE_B\n";
        return 2;
    }
    try {
        const std::string url = argv[1], root_key = argv[2], phone_b = argv[5];
        // Before the clients, so that it outlives B's callback whatever happens.
        Inbox inbox;
        wazap::Client a = new_client(url, root_key, argv[3], "wazap C++ example A");
        wazap::Client b = new_client(url, root_key, argv[4], "wazap C++ example B");
        pair(a, "A");
        pair(b, "B");

        b.set_event_callback([&inbox](std::string_view type, std::string_view json) {
            if (type == "message") inbox.push(std::string(json));
        });
        std::cout << "SENT " << a.send_text(phone_b, "hello from C++") << std::endl;
        // Skip protocol messages (the phone's app state keys and history sync).
        std::string received;
        do {
            received = inbox.pop();
        } while (received.find("\"kind\":\"protocol\"") != std::string::npos);
        std::cout << "RECEIVED " << received << std::endl;

        b.set_event_callback(nullptr);
        a.disconnect();
        b.disconnect();
        std::cout << "DONE" << std::endl;
        return 0;
    } catch (const wazap::Error &e) {
        std::cerr << "ERROR " << e.what() << " (kind " << e.kind_name() << ")\n";
    } catch (const std::exception &e) {
        std::cerr << "ERROR " << e.what() << "\n";
    }
    return 1;
}
