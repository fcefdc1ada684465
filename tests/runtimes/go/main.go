// Test runtime: Go standard library net/http with the default client (keep-alive connection
// pool, no timeout), in the style of real FunctionGraph Go bootstraps: URLs are built by string
// concatenation of RUNTIME_API_ADDR and a failed GET is retried after 50 ms.
// Implements the behaviour protocol of tests/runtimes/README.md.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

var api = "http://" + os.Getenv("RUNTIME_API_ADDR") + "/v1/runtime/invocation"

// onlyReader hides the concrete reader type so net/http cannot learn the length and sends
// Transfer-Encoding: chunked.
type onlyReader struct{ io.Reader }

func post(id, kind string, body io.Reader, contentType string, chunked bool) {
	if chunked {
		body = onlyReader{body}
	}
	req, err := http.NewRequest(http.MethodPost, api+"/"+kind+"/"+id, body)
	if err != nil {
		fmt.Fprintf(os.Stderr, "go runtime: %v\n", err)
		return
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(os.Stderr, "go runtime: POST %s for %s failed: %v\n", kind, id, err)
		return
	}
	io.Copy(io.Discard, resp.Body) // drain so the connection goes back to the pool
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		fmt.Fprintf(os.Stderr, "go runtime: POST %s for %s: HTTP %d\n", kind, id, resp.StatusCode)
	}
}

func respond(id string, body []byte) {
	post(id, "response", bytes.NewReader(body), "application/octet-stream", false)
}

func postError(id, message string) {
	body, _ := json.Marshal(map[string]string{"errorMessage": message, "errorType": "TestError"})
	post(id, "error", bytes.NewReader(body), "application/json", false)
}

// firstMember returns the first key of a JSON object event and its raw value ("" if none).
func firstMember(body []byte) (string, json.RawMessage) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", nil
	}
	tok, err := dec.Token()
	if err != nil {
		return "", nil
	}
	key, ok := tok.(string)
	if !ok {
		return "", nil
	}
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return "", nil
	}
	return key, raw
}

func asString(raw json.RawMessage) (string, bool) {
	var s string
	return s, json.Unmarshal(raw, &s) == nil
}

func asInt(raw json.RawMessage) (int64, bool) {
	var n int64
	return n, json.Unmarshal(raw, &n) == nil
}

func sleepMs(ms int64) { time.Sleep(time.Duration(ms) * time.Millisecond) }

func handle(id, invokeType string, body []byte) {
	if strings.EqualFold(invokeType, "init") {
		if v := os.Getenv("INIT_SLEEP_MS"); v != "" {
			if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
				sleepMs(ms)
			}
		}
		if os.Getenv("FAIL_INIT") == "1" {
			postError(id, "init failed (FAIL_INIT=1)")
		} else {
			respond(id, []byte("initialized"))
		}
		return
	}
	key, raw := firstMember(body)
	switch key {
	case "print":
		if s, ok := asString(raw); ok {
			fmt.Fprintln(os.Stdout, s)
			respond(id, []byte("ok"))
			return
		}
	case "stderr":
		if s, ok := asString(raw); ok {
			fmt.Fprintln(os.Stderr, s)
			respond(id, []byte("ok"))
			return
		}
	case "error":
		if s, ok := asString(raw); ok {
			postError(id, s)
			return
		}
	case "sleep_ms":
		if n, ok := asInt(raw); ok {
			sleepMs(n)
			respond(id, []byte("slept"))
			return
		}
	case "exit":
		if n, ok := asInt(raw); ok {
			fmt.Fprintf(os.Stderr, "exiting %d\n", n)
			os.Exit(int(n))
		}
	case "big":
		if n, ok := asInt(raw); ok {
			respond(id, bytes.Repeat([]byte("a"), int(n)))
			return
		}
	case "env":
		if s, ok := asString(raw); ok {
			respond(id, []byte(os.Getenv(s)))
			return
		}
	case "chunked":
		if s, ok := asString(raw); ok {
			post(id, "response", strings.NewReader(s), "text/plain", true)
			return
		}
	}
	respond(id, body) // {"echo": X} and anything else
}

func main() {
	for {
		resp, err := http.Get(api + "/request")
		if err != nil {
			fmt.Fprintf(os.Stderr, "go runtime: GET failed: %v\n", err)
			time.Sleep(50 * time.Millisecond)
			continue
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		id := strings.TrimSpace(resp.Header.Get("X-Cff-Request-Id"))
		if err != nil || id == "" || resp.StatusCode != http.StatusOK {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		handle(id, strings.TrimSpace(resp.Header.Get("X-Cff-Invoke-Type")), body)
	}
}
