package check

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fakeVLLM answers as vLLM's OpenAI-compatible server does (response shapes of vLLM 0.6 to
// 0.10: /health, /v1/models with max_model_len, /v1/completions with usage, /metrics).
func fakeVLLM(t *testing.T, model string, healthy bool) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		if !healthy {
			w.WriteHeader(http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("GET /v1/models", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer token-abc123" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"Unauthorized"}`))
			return
		}
		_, _ = w.Write([]byte(`{"object":"list","data":[{"id":"` + model + `","object":"model","created":1733212345,` +
			`"owned_by":"vllm","root":"` + model + `","parent":null,"max_model_len":8192,"permission":[{"id":"modelperm-1",` +
			`"object":"model_permission","allow_sampling":true}]}]}`))
	})
	mux.HandleFunc("POST /v1/completions", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model     string `json:"model"`
			MaxTokens int    `json:"max_tokens"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model != model {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"object":"error","message":"The model ` + "`" + req.Model + "`" + ` does not exist.","type":"NotFoundError","param":null,"code":404}`))
			return
		}
		_, _ = w.Write([]byte(`{"id":"cmpl-5f0c","object":"text_completion","created":1733212346,"model":"` + model + `",` +
			`"choices":[{"index":0,"text":" Paris. The capital of Germany is","logprobs":null,"finish_reason":"length","stop_reason":null}],` +
			`"usage":{"prompt_tokens":6,"total_tokens":14,"completion_tokens":8}}`))
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("# HELP vllm:num_requests_running Number of requests in model execution batches.\n" +
			"# TYPE vllm:num_requests_running gauge\n" +
			`vllm:num_requests_running{engine="0",model_name="` + model + `"} 0.0` + "\n" +
			"# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n" +
			"# TYPE vllm:num_requests_waiting gauge\n" +
			`vllm:num_requests_waiting{engine="0",model_name="` + model + `"} 3.0` + "\n"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestVLLM(t *testing.T) {
	t.Parallel()
	const model = "meta-llama/Llama-3.1-8B-Instruct"
	up, down := fakeVLLM(t, model, true), fakeVLLM(t, model, false)
	cases := []struct {
		url, settings string
		status        Status
		detail        string
	}{
		{up.URL, "probe: health", Passed, "healthy, answered in"},
		{down.URL, "probe: health", Failed, "GET /health: status 500"},
		{up.URL, "probe: models, api_key: token-abc123, model: " + model, Passed, "serves " + model + " (max_model_len 8192)"},
		{up.URL, "probe: models, api_key: token-abc123, model: Qwen/Qwen2.5-7B", Failed, "/v1/models lists " + model + ", not Qwen/Qwen2.5-7B"},
		{up.URL, "probe: models, model: " + model, Failed, "GET /v1/models: status 401"},
		{up.URL, "probe: completion, model: " + model, Passed, `8 token(s) in`},
		{up.URL, "probe: completion, model: " + model + ", max_latency: 1ns", Failed, "8 token(s) in"},
		{up.URL, "probe: completion, model: other", Failed, "status 404: {\"object\":\"error\",\"message\":\"The model `other` does not exist."},
		{up.URL, "probe: metrics", Passed, "vllm:num_requests_running=0.0, vllm:num_requests_waiting=3.0"},
		{up.URL, "probe: metrics, metrics: [vllm:kv_cache_usage_perc]", Failed, "/metrics has no vllm:kv_cache_usage_perc"},
	}
	for _, c := range cases {
		t.Run(c.settings, func(t *testing.T) {
			t.Parallel()
			r := run(t, "  - {name: vllm, kind: vllm, url: '"+c.url+"', "+c.settings+"}\n")
			want(t, r, c.status, c.detail)
			if c.status == Passed && c.settings == "probe: completion, model: "+model && !strings.Contains(r.Detail, `"Paris. The capital of Germany is"`) {
				t.Errorf("completion text missing: %q", r.Detail)
			}
		})
	}
}
