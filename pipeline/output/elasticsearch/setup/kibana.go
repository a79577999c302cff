package setup

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/output/elasticsearch"
)

// Kibana imports saved objects through Kibana's saved objects API.
type Kibana struct {
	base   string
	client *http.Client
	auth   func(*http.Request)
}

// NewKibana connects to the Kibana in cfg.Setup.Kibana, with its credentials or, when it names
// none, the output's.
func NewKibana(cfg *elasticsearch.Config) (*Kibana, error) {
	k := cfg.Setup.Kibana
	user, pass, apiKey, err := k.Credentials(cfg)
	if err != nil {
		return nil, err
	}
	tc, err := k.TLS.Config()
	if err != nil {
		return nil, fmt.Errorf("setup: kibana: %w", err)
	}
	base := strings.TrimRight(k.Host, "/")
	if k.Space != "" && k.Space != "default" {
		base += "/s/" + k.Space
	}
	return &Kibana{
		base:   base,
		client: &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{TLSClientConfig: tc, Proxy: http.ProxyFromEnvironment}},
		auth: func(r *http.Request) {
			switch {
			case apiKey != "":
				r.Header.Set("Authorization", "ApiKey "+apiKey.Value())
			case user != "":
				r.SetBasicAuth(user, pass.Value())
			}
		},
	}, nil
}

// Import sends ndjson to POST /api/saved_objects/_import?overwrite=true, so objects with the same
// ids are replaced, not duplicated. It returns how many objects Kibana imported, and an error
// naming each object Kibana refused.
func (k *Kibana) Import(ctx context.Context, ndjson []byte) (int, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="sluice.ndjson"`)
	h.Set("Content-Type", "application/ndjson")
	part, err := mw.CreatePart(h)
	if err != nil {
		return 0, err
	}
	part.Write(ndjson) //nolint:errcheck // bytes.Buffer
	if err := mw.Close(); err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, k.base+"/api/saved_objects/_import?overwrite=true", &body)
	if err != nil {
		return 0, fmt.Errorf("setup: kibana: %w", err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("kbn-xsrf", "sluice")
	k.auth(req)
	res, err := k.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("setup: kibana import: %w", err)
	}
	defer res.Body.Close()
	resp, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode != http.StatusOK {
		msg := gjson.GetBytes(resp, "message").Str
		if msg == "" {
			msg = strings.TrimSpace(string(resp[:min(len(resp), 300)]))
		}
		return 0, fmt.Errorf("setup: kibana import: status %d: %s", res.StatusCode, msg)
	}
	n := int(gjson.GetBytes(resp, "successCount").Int())
	if gjson.GetBytes(resp, "success").Bool() {
		return n, nil
	}
	var failed []string
	gjson.GetBytes(resp, "errors").ForEach(func(_, e gjson.Result) bool {
		failed = append(failed, fmt.Sprintf("%s %s (%s): %s", e.Get("type").Str, e.Get("id").Str,
			e.Get("title").Str, e.Get("error.type").Str))
		return true
	})
	return n, fmt.Errorf("setup: kibana import: %d objects refused: %s", len(failed), strings.Join(failed, "; "))
}
