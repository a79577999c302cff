package check

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/tlsconfig"
)

// VLLM checks a vLLM server through its OpenAI-compatible API, one property per check: the
// engine is healthy, serves the model, answers a short completion in time, exports metrics.
type VLLM struct {
	// URL is the server's base ("http://vllm:8000").
	URL    string `mapstructure:"url"`
	APIKey string `mapstructure:"api_key"`
	// Probe is health, models, completion or metrics.
	Probe string `mapstructure:"probe"`
	// Model is the id that /v1/models must list and the completion uses.
	Model string `mapstructure:"model"`
	// Prompt, MaxTokens and MaxLatency shape the completion probe.
	Prompt     string        `mapstructure:"prompt"`
	MaxTokens  int           `mapstructure:"max_tokens"`
	MaxLatency time.Duration `mapstructure:"max_latency"`
	// Metrics are series /metrics must export.
	Metrics []string `mapstructure:"metrics"`
	TLS     TLS      `mapstructure:"tls"`
}

func newVLLM() *VLLM {
	return &VLLM{Prompt: "The capital of France is", MaxTokens: 8, MaxLatency: 30 * time.Second,
		Metrics: []string{"vllm:num_requests_running", "vllm:num_requests_waiting"}}
}

// Validate checks the URL and that the probe has what it needs.
func (v *VLLM) Validate() error {
	errs := []error{checkURL("url", v.URL, "http", "https")}
	probes := []string{"health", "models", "completion", "metrics"}
	if !slices.Contains(probes, v.Probe) {
		errs = append(errs, fmt.Errorf("probe: want one of %s, got %q", strings.Join(probes, ", "), v.Probe))
	}
	if v.Probe == "completion" && v.Model == "" {
		errs = append(errs, errors.New("model: the completion probe needs the model id"))
	}
	if v.MaxTokens < 1 {
		errs = append(errs, errors.New("max_tokens: want at least 1"))
	}
	return errors.Join(append(errs, tlsconfig.Under("tls", v.TLS.Validate()))...)
}

// Run sends the probe's request.
func (v *VLLM) Run(ctx context.Context) (string, error) {
	switch v.Probe {
	case "health":
		a, err := v.call(ctx, http.MethodGet, "/health", nil)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("healthy, answered in %s", ms(a.latency)), nil
	case "models":
		return v.models(ctx)
	case "completion":
		return v.completion(ctx)
	}
	return v.metrics(ctx)
}

// call sends one request and wants a 200.
func (v *VLLM) call(ctx context.Context, method, path string, body []byte) (answer, error) {
	c, err := tlsClient(&v.TLS)
	if err != nil {
		return answer{}, err
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(v.URL, "/")+path, bytes.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if v.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+v.APIKey)
	}
	a, err := request(req, c)
	if err != nil {
		return a, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if a.status != http.StatusOK {
		return a, fmt.Errorf("%s %s: status %d: %s", method, path, a.status, snippet(a.body))
	}
	return a, nil
}

func (v *VLLM) models(ctx context.Context) (string, error) {
	a, err := v.call(ctx, http.MethodGet, "/v1/models", nil)
	if err != nil {
		return "", err
	}
	var ids []string
	for _, m := range gjson.GetBytes(a.body, "data").Array() {
		ids = append(ids, m.Get("id").String())
		if v.Model != "" && m.Get("id").String() == v.Model {
			got := "serves " + v.Model
			if n := m.Get("max_model_len"); n.Exists() {
				got += fmt.Sprintf(" (max_model_len %d)", n.Int())
			}
			return got, nil
		}
	}
	switch {
	case len(ids) == 0:
		return "", fmt.Errorf("/v1/models lists no model: %s", snippet(a.body))
	case v.Model != "":
		return "", fmt.Errorf("/v1/models lists %s, not %s", strings.Join(ids, ", "), v.Model)
	}
	return "serves " + strings.Join(ids, ", "), nil
}

// completion asks for a few tokens at temperature 0: the cheapest request that runs the whole
// engine (tokenizer, scheduler, KV cache, GPU kernels).
func (v *VLLM) completion(ctx context.Context) (string, error) {
	body, err := json.Marshal(map[string]any{"model": v.Model, "prompt": v.Prompt, "max_tokens": v.MaxTokens, "temperature": 0})
	if err != nil {
		return "", err
	}
	a, err := v.call(ctx, http.MethodPost, "/v1/completions", body)
	if err != nil {
		return "", err
	}
	tokens := gjson.GetBytes(a.body, "usage.completion_tokens").Int()
	text := gjson.GetBytes(a.body, "choices.0.text").String()
	if tokens == 0 && text == "" {
		return "", fmt.Errorf("the completion returned no tokens: %s", snippet(a.body))
	}
	got := fmt.Sprintf("%d token(s) in %s", tokens, ms(a.latency))
	if a.latency > v.MaxLatency {
		return "", fmt.Errorf("%s, want under %s", got, v.MaxLatency)
	}
	return fmt.Sprintf("%s: %q", got, strings.TrimSpace(text)), nil
}

// metrics reads the Prometheus text vLLM exports and wants every named series.
func (v *VLLM) metrics(ctx context.Context) (string, error) {
	a, err := v.call(ctx, http.MethodGet, "/metrics", nil)
	if err != nil {
		return "", err
	}
	values := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(a.body))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i, j := strings.IndexAny(line, "{ "), strings.LastIndexByte(line, ' ')
		if i > 0 && j > 0 {
			values[line[:i]] = line[j+1:] // a labelled series: the last one seen
		}
	}
	var got []string
	for _, m := range v.Metrics {
		val, ok := values[m]
		if !ok {
			return "", fmt.Errorf("/metrics has no %s (%d series exported)", m, len(values))
		}
		got = append(got, m+"="+val)
	}
	return strings.Join(got, ", "), nil
}
