/*
 * wazap.hpp: header-only C++17 wrappers over the C API of wazap.h.
 *
 * wazap::Client owns a wazap_client (move-only; freed by its destructor). Every call that fails
 * throws wazap::Error, which carries the wazap_result code, the core's error kind and the
 * message. Strings wazap returns are copied into std::string and freed at once, so no wazap
 * allocation outlives a call. JSON arguments and answers stay strings: use the JSON library of
 * your choice.
 *
 *   #include <wazap.hpp>
 *   wazap::Client client("bot.db", R"({"device_name":"my bot"})");
 *   client.connect();
 *   while (auto event = client.next_event(std::chrono::seconds(30))) { ... }
 *
 * Link with the C library: `pkg-config --cflags --libs wazap`, or in CMake
 * `find_package(wazap CONFIG REQUIRED)` and `target_link_libraries(app PRIVATE wazap::wazap)`.
 */
#ifndef WAZAP_HPP
#define WAZAP_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wazap.h"

namespace wazap {

/** A failed call: the C result code, the core's finer kind, and the message. */
class Error : public std::runtime_error {
public:
    Error(wazap_result code, std::uint32_t kind, const std::string &message)
        : std::runtime_error(std::string(wazap_result_name(code)) + ": " + message),
          code_(code), kind_(kind) {}

    /** The wazap_result (WAZAP_TIMEOUT, WAZAP_NOT_LOGGED_IN...). */
    wazap_result code() const noexcept { return code_; }
    /** Its name, "WAZAP_TIMEOUT". */
    const char *code_name() const noexcept { return wazap_result_name(code_); }
    /** The core's error kind (the number wazap_last_error_kind gives). */
    std::uint32_t kind() const noexcept { return kind_; }
    /** Its name, the one Python's error.kind and Node's error.code use. */
    const char *kind_name() const noexcept { return wazap_error_kind_name(kind_); }

private:
    wazap_result code_;
    std::uint32_t kind_;
};

namespace detail {

/** Throws the calling thread's last error unless `r` is WAZAP_OK. */
inline void check(wazap_result r) {
    if (r == WAZAP_OK) return;
    const std::uint32_t kind = wazap_last_error_kind();
    std::size_t len = 0;
    wazap_last_error_message(nullptr, 0, &len);
    std::vector<char> buf(len + 1);  // the message and its NUL
    wazap_last_error_message(buf.data(), buf.size(), nullptr);
    throw Error(r, kind, std::string(buf.data(), len));
}

/** Takes ownership of a string wazap returned: copies it and frees it. */
inline std::string take(char *s) {
    std::string out = s ? std::string(s) : std::string();
    wazap_string_free(s);
    return out;
}

inline const char *c_str_or_null(const std::optional<std::string> &s) {
    return s ? s->c_str() : nullptr;
}

}  // namespace detail

/** An event as the core delivers it: its type ("qr", "message"...) and its JSON object. */
struct Event {
    std::string type;
    std::string json;
};

/** A client: one device in a SQLite store file. Move-only; the destructor frees it. */
class Client {
public:
    using Callback = std::function<void(std::string_view type, std::string_view json)>;

    /** Opens (or creates) the device in `store_path`; `config_json` is the C API's config. */
    explicit Client(const std::string &store_path,
                    const std::optional<std::string> &config_json = std::nullopt) {
        wazap_client *handle = nullptr;
        detail::check(wazap_client_new(store_path.c_str(), detail::c_str_or_null(config_json),
                                       &handle));
        handle_.reset(handle);
    }

    Client(Client &&) noexcept = default;
    Client &operator=(Client &&other) noexcept {
        if (this != &other) {
            handle_.reset();  // first: its callback may still be running until the free returns
            handle_ = std::move(other.handle_);
            callback_ = std::move(other.callback_);
        }
        return *this;
    }
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    ~Client() {
        // The callback must not run once its std::function is gone: free the handle first.
        handle_.reset();
    }

    /** The C handle, for calls this header does not wrap. Still owned by this object. */
    const wazap_client *get() const noexcept { return handle_.get(); }

    void connect() const { detail::check(wazap_client_connect(handle_.get())); }
    void disconnect() const { detail::check(wazap_client_disconnect(handle_.get())); }
    void logout() const { detail::check(wazap_client_logout(handle_.get())); }

    /** The QR code to show now, or "" when there is none. */
    std::string qr() const {
        char *out = nullptr;
        detail::check(wazap_client_qr(handle_.get(), &out));
        return detail::take(out);
    }

    /** Pairs by phone number; returns the code ("XXXX-XXXX") to type on the phone. */
    std::string pair_phone(const std::string &phone) const {
        char *out = nullptr;
        detail::check(wazap_client_pair_phone(handle_.get(), phone.c_str(), &out));
        return detail::take(out);
    }

    /** {"connected","logged_in","jid","lid"} as JSON. */
    std::string status() const {
        char *out = nullptr;
        detail::check(wazap_client_status(handle_.get(), &out));
        return detail::take(out);
    }

    /** Sends a text to a JID or phone number; returns the send result's JSON ({id, timestamp}). */
    std::string send_text(const std::string &to, const std::string &text) const {
        char *out = nullptr;
        detail::check(wazap_client_send_text(handle_.get(), to.c_str(), text.c_str(), &out));
        return detail::take(out);
    }

    /** Any request of the core by name (see wazap_client_request); returns its JSON answer. */
    std::string request(const std::string &method, const std::string &args_json = "{}") const {
        char *out = nullptr;
        detail::check(
            wazap_client_request(handle_.get(), method.c_str(), args_json.c_str(), &out));
        return detail::take(out);
    }

    /** The next event, waiting up to `timeout`; std::nullopt when none came in time. */
    std::optional<Event> next_event(std::chrono::milliseconds timeout) const {
        char *out = nullptr;
        auto ms = timeout.count() < 0 ? 0 : timeout.count();
        auto capped = static_cast<std::uint32_t>(ms > UINT32_MAX ? UINT32_MAX : ms);
        wazap_result r = wazap_client_next_event(handle_.get(), capped, &out);
        if (r == WAZAP_TIMEOUT) return std::nullopt;
        detail::check(r);
        std::string json = detail::take(out);
        return Event{type_of(json), std::move(json)};
    }

    /**
     * Delivers every event to `callback` on wazap's event thread (an empty function clears
     * it). The views are valid only during the call. Exceptions must not escape the callback:
     * one that does ends the program (it would otherwise cross into C).
     */
    void set_event_callback(Callback callback) {
        if (!callback) {
            detail::check(wazap_client_set_event_callback(handle_.get(), nullptr, nullptr));
            callback_.reset();
            return;
        }
        auto owned = std::make_unique<Callback>(std::move(callback));
        detail::check(wazap_client_set_event_callback(handle_.get(), &Client::trampoline,
                                                      owned.get()));
        // The previous callback is not running any more once the call above returned.
        callback_ = std::move(owned);
    }

private:
    struct Free {
        void operator()(wazap_client *c) const noexcept { wazap_client_free(c); }
    };

    static void trampoline(void *user_data, const char *type, const char *json,
                           std::size_t len) noexcept {
        auto *callback = static_cast<Callback *>(user_data);
        (*callback)(std::string_view(type), std::string_view(json, len));
    }

    /** The "type" of an event's JSON: always its first key. */
    static std::string type_of(const std::string &json) {
        const std::string key = "{\"type\":\"";
        if (json.compare(0, key.size(), key) != 0) return {};
        auto end = json.find('"', key.size());
        return end == std::string::npos ? std::string() : json.substr(key.size(), end - key.size());
    }

    // Declared before handle_ so that it is destroyed after it: the handle's free waits for a
    // running callback, which still needs its std::function.
    std::unique_ptr<Callback> callback_;
    std::unique_ptr<wazap_client, Free> handle_;
};

}  // namespace wazap

#endif  // WAZAP_HPP
