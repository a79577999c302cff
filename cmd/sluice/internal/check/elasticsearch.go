package check

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	es "github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/tlsconfig"
)

// Elasticsearch checks the cluster sluice writes to: its health, that `sluice setup` installed
// the templates, and that a document can be written and read back (which proves credentials,
// index privileges and a writable cluster, not just an open port).
type Elasticsearch struct {
	Hosts    []string `mapstructure:"hosts"`
	Username string   `mapstructure:"username"`
	Password string   `mapstructure:"password"`
	APIKey   string   `mapstructure:"api_key"`
	TLS      TLS      `mapstructure:"tls"`
	// Probe is health, templates or write.
	Probe string `mapstructure:"probe"`
	// MinStatus is the worst cluster status that passes: green or yellow (a single node with
	// replicas configured is yellow for good).
	MinStatus string `mapstructure:"min_status"`
	// ComponentTemplates and IndexTemplates must exist (templates probe).
	ComponentTemplates []string `mapstructure:"component_templates"`
	IndexTemplates     []string `mapstructure:"index_templates"`
	// Index receives the write probe's document, which is deleted afterwards.
	Index string `mapstructure:"index"`
}

func newElasticsearch() *Elasticsearch {
	return &Elasticsearch{MinStatus: "yellow", Index: "sluice-check",
		ComponentTemplates: []string{"sluice@settings", "sluice@mappings"}}
}

// Validate checks hosts, probe and status.
func (e *Elasticsearch) Validate() error {
	var errs []error
	if len(e.Hosts) == 0 {
		errs = append(errs, errors.New("hosts: want at least one URL"))
	}
	for i, h := range e.Hosts {
		errs = append(errs, checkURL(fmt.Sprintf("hosts[%d]", i), h, "http", "https"))
	}
	if p := []string{"health", "templates", "write"}; !slices.Contains(p, e.Probe) {
		errs = append(errs, fmt.Errorf("probe: want one of %s, got %q", strings.Join(p, ", "), e.Probe))
	}
	if e.MinStatus != "green" && e.MinStatus != "yellow" {
		errs = append(errs, fmt.Errorf("min_status: want green or yellow, got %q", e.MinStatus))
	}
	if e.Probe == "templates" && len(e.ComponentTemplates)+len(e.IndexTemplates) == 0 {
		errs = append(errs, errors.New("templates: name component_templates or index_templates"))
	}
	return errors.Join(append(errs, tlsconfig.Under("tls", e.TLS.Validate()))...)
}

// Run runs the probe.
func (e *Elasticsearch) Run(ctx context.Context) (string, error) {
	c, err := e.client()
	if err != nil {
		return "", err
	}
	switch e.Probe {
	case "health":
		return e.health(ctx, c)
	case "templates":
		return e.templates(ctx, c)
	}
	return e.write(ctx, c)
}

func (e *Elasticsearch) client() (*es.Client, error) {
	hc, err := tlsClient(&e.TLS)
	if err != nil {
		return nil, err
	}
	return es.NewClient(es.Config{Addresses: e.Hosts, Username: e.Username, Password: e.Password,
		APIKey: e.APIKey, Transport: hc.Transport, MaxRetries: 1})
}

// body reads a response and turns a failure status into an error naming the call.
func body(what string, res *esapi.Response, err error) ([]byte, int, error) {
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", what, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		return nil, res.StatusCode, fmt.Errorf("%s: %w", what, err)
	}
	if res.StatusCode >= 300 && res.StatusCode != 404 {
		return b, res.StatusCode, fmt.Errorf("%s: status %d: %s", what, res.StatusCode, snippet(b))
	}
	return b, res.StatusCode, nil
}

func (e *Elasticsearch) health(ctx context.Context, c *es.Client) (string, error) {
	res, err := c.Cluster.Health(c.Cluster.Health.WithContext(ctx))
	b, _, err := body("cluster health", res, err)
	if err != nil {
		return "", err
	}
	h := gjson.ParseBytes(b)
	status := h.Get("status").String()
	got := fmt.Sprintf("%s, %d node(s), %d unassigned shard(s)", status, h.Get("number_of_nodes").Int(),
		h.Get("unassigned_shards").Int())
	if status == "red" || (status == "yellow" && e.MinStatus == "green") {
		return "", fmt.Errorf("cluster %s, want %s or better", got, e.MinStatus)
	}
	return h.Get("cluster_name").String() + ": " + got, nil
}

func (e *Elasticsearch) templates(ctx context.Context, c *es.Client) (string, error) {
	var missing []string
	for _, name := range e.ComponentTemplates {
		res, err := c.Cluster.GetComponentTemplate(c.Cluster.GetComponentTemplate.WithContext(ctx),
			c.Cluster.GetComponentTemplate.WithName(name))
		_, code, err := body("component template "+name, res, err)
		if err != nil {
			return "", err
		}
		if code == 404 {
			missing = append(missing, "component template "+name)
		}
	}
	for _, name := range e.IndexTemplates {
		res, err := c.Indices.GetIndexTemplate(c.Indices.GetIndexTemplate.WithContext(ctx),
			c.Indices.GetIndexTemplate.WithName(name))
		_, code, err := body("index template "+name, res, err)
		if err != nil {
			return "", err
		}
		if code == 404 {
			missing = append(missing, "index template "+name)
		}
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("missing %s: run sluice setup -c <pipeline config>", strings.Join(missing, ", "))
	}
	return fmt.Sprintf("%d template(s) installed: %s", len(e.ComponentTemplates)+len(e.IndexTemplates),
		strings.Join(append(slices.Clone(e.ComponentTemplates), e.IndexTemplates...), ", ")), nil
}

// write indexes a probe document, reads it back by id and deletes it.
func (e *Elasticsearch) write(ctx context.Context, c *es.Client) (string, error) {
	start := time.Now()
	id := "sluice-check-" + strconv.FormatInt(start.UnixNano(), 36)
	doc := fmt.Sprintf(`{"@timestamp":%q,"message":"sluice check probe","event":{"dataset":"sluice.check"}}`,
		start.UTC().Format(time.RFC3339Nano))
	res, err := c.Index(e.Index, strings.NewReader(doc), c.Index.WithContext(ctx),
		c.Index.WithDocumentID(id), c.Index.WithRefresh("wait_for"))
	if _, _, err := body("index "+e.Index, res, err); err != nil {
		return "", err
	}
	res, err = c.Get(e.Index, id, c.Get.WithContext(ctx))
	b, code, err := body("get "+id, res, err)
	if err != nil {
		return "", err
	}
	if code == 404 || gjson.GetBytes(b, "_source.message").String() != "sluice check probe" {
		return "", fmt.Errorf("wrote %s/%s but could not read it back: %s", e.Index, id, snippet(b))
	}
	took := time.Since(start)
	res, err = c.Delete(e.Index, id, c.Delete.WithContext(ctx))
	if _, _, err := body("delete "+id, res, err); err != nil {
		return "", err
	}
	return fmt.Sprintf("wrote and read back a document in %s in %s", e.Index, ms(took)), nil
}
