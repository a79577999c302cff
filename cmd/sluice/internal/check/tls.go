package check

import (
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/pipeline/tlsconfig"
)

// TLS is how a check trusts the server it probes (and proves who it is, for mutual TLS): the
// keys of every sluice client, so a check reads the settings of the component it checks as
// written.
type TLS = tlsconfig.Client

// tlsClient returns an HTTP client that trusts what t says.
func tlsClient(t *TLS) (*http.Client, error) {
	tc, err := t.Config()
	if err != nil {
		return nil, err
	}
	return httpClient(tc), nil
}

// httpClient is a client with its own transport: probes test the path the service takes, not a
// proxy's, and share no connections with each other.
func httpClient(tc *tls.Config) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tc
	tr.Proxy = nil
	return &http.Client{Transport: tr}
}

// checkURL validates a setting that must be an absolute URL with one of the schemes given.
func checkURL(field, s string, schemes ...string) error {
	u, err := url.Parse(s)
	if err != nil || !slices.Contains(schemes, u.Scheme) || u.Host == "" {
		return fmt.Errorf("%s: want an absolute URL (%s://host:port/...), got %q", field, strings.Join(schemes, " or "), s)
	}
	return nil
}

// answer is a response read whole, with how long it took to arrive.
type answer struct {
	status  int
	body    []byte
	latency time.Duration
}

// maxBody bounds what a probe reads: a check wants a status and a few fields, not a download.
const maxBody = 8 << 20

// request sends one request and reads the answer.
func request(req *http.Request, c *http.Client) (answer, error) {
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return answer{}, fmt.Errorf("read body: %w", err)
	}
	return answer{status: resp.StatusCode, body: body, latency: time.Since(start)}, nil
}

// snippet is the start of a body, for a failure message.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// ms prints a latency the way a report reads it.
func ms(d time.Duration) string {
	if d < time.Millisecond {
		return d.Round(time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}
