package check

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/tlsconfig"
)

// HTTP checks an endpoint: its status, how fast it answers, and fields of its JSON body.
type HTTP struct {
	URL     string   `mapstructure:"url"`
	Method  string   `mapstructure:"method"`
	Headers []Header `mapstructure:"headers"`
	Body    string   `mapstructure:"body"`
	// Status lists the statuses that pass; default 200.
	Status []int `mapstructure:"status"`
	// MaxLatency fails an answer slower than this; zero does not check.
	MaxLatency time.Duration `mapstructure:"max_latency"`
	// Contains is text the body must contain.
	Contains string `mapstructure:"contains"`
	// JSON are assertions on the body, by gjson path.
	JSON []Assertion `mapstructure:"json"`
	TLS  TLS         `mapstructure:"tls"`
}

// Header is one request header; a list, because viper would lowercase map keys.
type Header struct {
	Name  string `mapstructure:"name"`
	Value string `mapstructure:"value"`
}

// Assertion is one condition on a JSON body at a gjson path ("data.#.id", "status").
type Assertion struct {
	Path string `mapstructure:"path"`
	// Equals compares the value as text: 200, "green", true.
	Equals any `mapstructure:"equals"`
	// Contains passes when an array holds the value or a string contains it.
	Contains any `mapstructure:"contains"`
	// Min and Max bound a number (or an array's length).
	Min *float64 `mapstructure:"min"`
	Max *float64 `mapstructure:"max"`
}

func newHTTP() *HTTP { return &HTTP{Method: http.MethodGet, Status: []int{200}} }

// Validate checks the URL and assertions.
func (h *HTTP) Validate() error {
	errs := []error{checkURL("url", h.URL, "http", "https")}
	for i, a := range h.JSON {
		if a.Path == "" {
			errs = append(errs, fmt.Errorf("json[%d].path: missing", i))
		}
	}
	return errors.Join(append(errs, tlsconfig.Under("tls", h.TLS.Validate()))...)
}

// Run sends the request and checks the answer.
func (h *HTTP) Run(ctx context.Context) (string, error) {
	c, err := tlsClient(&h.TLS)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, h.Method, h.URL, strings.NewReader(h.Body))
	if err != nil {
		return "", err
	}
	for _, hd := range h.Headers {
		req.Header.Set(hd.Name, hd.Value)
	}
	a, err := request(req, c)
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", h.Method, h.URL, err)
	}
	got := fmt.Sprintf("%d in %s", a.status, ms(a.latency))
	if !slices.Contains(h.Status, a.status) {
		return "", fmt.Errorf("status %s, want %v: %s", got, h.Status, snippet(a.body))
	}
	if h.MaxLatency > 0 && a.latency > h.MaxLatency {
		return "", fmt.Errorf("answered in %s, want under %s", ms(a.latency), h.MaxLatency)
	}
	if h.Contains != "" && !strings.Contains(string(a.body), h.Contains) {
		return "", fmt.Errorf("%s but the body does not contain %q", got, h.Contains)
	}
	for _, as := range h.JSON {
		if err := as.check(a.body); err != nil {
			return "", err
		}
	}
	return got, nil
}

// check applies the assertion to a JSON body.
func (a Assertion) check(body []byte) error {
	if !gjson.ValidBytes(body) {
		return fmt.Errorf("json %s: the body is not JSON: %s", a.Path, snippet(body))
	}
	r := gjson.GetBytes(body, a.Path)
	if !r.Exists() {
		return fmt.Errorf("json %s: not in the body", a.Path)
	}
	if a.Equals != nil && r.String() != fmt.Sprint(a.Equals) {
		return fmt.Errorf("json %s = %s, want %v", a.Path, r.Raw, a.Equals)
	}
	if a.Contains != nil && !contains(r, fmt.Sprint(a.Contains)) {
		return fmt.Errorf("json %s = %s, want it to contain %v", a.Path, snippet([]byte(r.Raw)), a.Contains)
	}
	n := r.Float()
	if r.IsArray() {
		n = float64(len(r.Array()))
	}
	if a.Min != nil && n < *a.Min {
		return fmt.Errorf("json %s = %g, want at least %g", a.Path, n, *a.Min)
	}
	if a.Max != nil && n > *a.Max {
		return fmt.Errorf("json %s = %g, want at most %g", a.Path, n, *a.Max)
	}
	return nil
}

func contains(r gjson.Result, want string) bool {
	if r.IsArray() {
		for _, x := range r.Array() {
			if x.String() == want {
				return true
			}
		}
		return false
	}
	return strings.Contains(r.String(), want)
}
