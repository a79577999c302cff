package setup

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/output/elasticsearch"
)

// Perform sends one HTTP request to the cluster; (*elasticsearch.Client).Perform satisfies it.
type Perform func(*http.Request) (*http.Response, error)

// Step is one thing setup did, or chose not to do and why.
type Step struct {
	Name   string // "ilm policy sluice", "component template sluice@mappings"
	Status string // installed, skipped
	Note   string
}

func (s Step) String() string {
	if s.Note == "" {
		return fmt.Sprintf("%-10s %s", s.Status, s.Name)
	}
	return fmt.Sprintf("%-10s %s: %s", s.Status, s.Name, s.Note)
}

// Templates installs the ILM policy (where the cluster has ILM), the component templates and
// the index templates for cfg's target. Every call overwrites the same names, so running it on
// every deployment is safe.
func Templates(ctx context.Context, do Perform, cfg *elasticsearch.Config, fields []event.FieldInfo) ([]Step, error) {
	s := cfg.Setup
	var steps []Step
	ilm := false
	if s.ILM.Enabled {
		st, err := installILM(ctx, do, s.ILM)
		if err != nil {
			return steps, err
		}
		ilm = st.Status == "installed"
		steps = append(steps, st)
	}
	settings := map[string]any{"index": map[string]any{
		"mapping": map[string]any{"total_fields": map[string]any{"limit": 2000}},
		"codec":   "best_compression",
	}}
	if ilm {
		settings["index"].(map[string]any)["lifecycle"] = map[string]any{"name": s.ILM.Policy}
	}
	name := s.TemplateName
	if err := put(ctx, do, "/_component_template/"+name+"@settings", map[string]any{
		"template": map[string]any{"settings": settings}, "_meta": meta("index settings"),
	}); err != nil {
		return steps, err
	}
	steps = append(steps, Step{Name: "component template " + name + "@settings", Status: "installed"})
	st, err := installMappings(ctx, do, name+"@mappings", fields)
	steps = append(steps, st...)
	if err != nil {
		return steps, err
	}
	patterns, ds, err := indexPatterns(cfg)
	if err != nil {
		return steps, err
	}
	tmpl := map[string]any{
		"index_patterns": patterns, "priority": s.TemplatePriority,
		"composed_of": []string{name + "@settings", name + "@mappings"}, "_meta": meta("sluice log documents"),
	}
	if ds {
		tmpl["data_stream"] = map[string]any{}
	}
	tname := IndexTemplateName(cfg)
	if err := put(ctx, do, "/_index_template/"+tname, tmpl); err != nil {
		return steps, err
	}
	steps = append(steps, Step{Name: "index template " + tname, Status: "installed", Note: "for " + strings.Join(patterns, ", ")})
	if cfg.DeadLetterIndex != "" {
		if err := put(ctx, do, "/_index_template/"+name+"-dead-letter", deadLetterTemplate(cfg, name)); err != nil {
			return steps, err
		}
		steps = append(steps, Step{Name: "index template " + name + "-dead-letter", Status: "installed", Note: "for " + cfg.DeadLetterIndex})
	}
	return steps, nil
}

func meta(what string) map[string]any {
	return map[string]any{"managed_by": "sluice", "description": what + ", installed by sluice setup"}
}

// installILM installs the policy, or explains why not when the cluster has no ILM (the OSS and
// minimal distributions): then backing indices are neither rolled over nor deleted by age.
func installILM(ctx context.Context, do Perform, p elasticsearch.ILM) (Step, error) {
	name := "ilm policy " + p.Policy
	status, body, err := call(ctx, do, http.MethodGet, "/_ilm/status", nil)
	if err != nil {
		return Step{}, err
	}
	if status != http.StatusOK || !gjson.GetBytes(body, "operation_mode").Exists() {
		return Step{Name: name, Status: "skipped", Note: "this cluster has no index lifecycle management (ILM); " +
			"indices will not be rolled over or deleted by age: set retention another way"}, nil
	}
	policy := map[string]any{"policy": map[string]any{
		"_meta": meta("rollover and retention"),
		"phases": map[string]any{
			"hot": map[string]any{"actions": map[string]any{"rollover": map[string]any{
				"max_age": p.RolloverMaxAge, "max_primary_shard_size": p.RolloverMaxPrimarySize}}},
			"delete": map[string]any{"min_age": p.DeleteAfter, "actions": map[string]any{"delete": map[string]any{}}},
		},
	}}
	if err := put(ctx, do, "/_ilm/policy/"+p.Policy, policy); err != nil {
		return Step{}, err
	}
	return Step{Name: name, Status: "installed", Note: fmt.Sprintf("rollover at %s or %s, delete after %s",
		p.RolloverMaxAge, p.RolloverMaxPrimarySize, p.DeleteAfter)}, nil
}

var noHandler = regexp.MustCompile(`(?:[Nn]o handler for type|[Tt]he mapper type) \[([a-z_]+)\]`)

// installMappings installs the mappings component template, downgrading field types the
// cluster does not know (match_only_text without mapper-extras, flattened and wildcard without
// x-pack) one at a time, each with a note.
func installMappings(ctx context.Context, do Perform, name string, fields []event.FieldInfo) ([]Step, error) {
	downgrade := map[string]string{}
	var steps []Step
	for range len(fallbacks) + 1 {
		m, notes := Mappings(fields, downgrade)
		status, body, err := call(ctx, do, http.MethodPut, "/_component_template/"+name,
			map[string]any{"template": map[string]any{"mappings": m}, "_meta": meta("field mappings from the parsers' field table")})
		if err != nil {
			return steps, err
		}
		if status < 300 {
			for _, n := range notes {
				steps = append(steps, Step{Name: "mapping", Status: "skipped", Note: n})
			}
			return append(steps, Step{Name: "component template " + name, Status: "installed"}), nil
		}
		mt := noHandler.FindSubmatch(body)
		fb, ok := "", false
		if mt != nil {
			fb, ok = fallbacks[string(mt[1])]
		}
		if !ok || downgrade[string(mt[1])] != "" {
			return steps, fmt.Errorf("setup: put component template %s: status %d: %s", name, status, reason(body))
		}
		downgrade[string(mt[1])] = fb
		steps = append(steps, Step{Name: "mapping type " + string(mt[1]), Status: "skipped",
			Note: "not available on this cluster, mapped as " + fb})
	}
	return steps, fmt.Errorf("setup: put component template %s: too many unsupported types", name)
}

// indexPatterns returns the index patterns the output writes to and whether they are data
// streams.
func indexPatterns(cfg *elasticsearch.Config) ([]string, bool, error) {
	if cfg.Target == elasticsearch.TargetDataStream {
		return []string{cfg.DataStream.Type + "-*-" + cfg.DataStream.Namespace}, true, nil
	}
	prefix, _, _ := strings.Cut(cfg.Index, "%{")
	if prefix == "" {
		return nil, false, fmt.Errorf("setup: index %q starts with a reference: give it a literal prefix so a template can match it", cfg.Index)
	}
	return []string{prefix + "*"}, false, nil
}

// IndexTemplateName names the index template of one output's target, so that outputs that share
// the component templates but write elsewhere (another namespace) do not overwrite each other's.
func IndexTemplateName(cfg *elasticsearch.Config) string {
	name := cfg.Setup.TemplateName
	if cfg.Target == elasticsearch.TargetDataStream {
		return name + "-" + cfg.DataStream.Type + "-" + cfg.DataStream.Namespace
	}
	prefix, _, _ := strings.Cut(cfg.Index, "%{")
	return name + "-" + strings.Trim(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '-'
	}, strings.ToLower(prefix)), "-")
}

// DataViewPattern is the Kibana data view title that covers what the output writes.
func DataViewPattern(cfg *elasticsearch.Config) string {
	if cfg.Target == elasticsearch.TargetDataStream {
		return cfg.DataStream.Type + "-*"
	}
	p, _, _ := indexPatterns(cfg)
	if len(p) == 0 {
		return "*"
	}
	return p[0]
}

func deadLetterTemplate(cfg *elasticsearch.Config, name string) map[string]any {
	kw := map[string]any{"type": "keyword", "ignore_above": 1024}
	return map[string]any{
		"index_patterns": []string{cfg.DeadLetterIndex}, "priority": cfg.Setup.TemplatePriority,
		"composed_of": []string{name + "@settings"}, "_meta": meta("documents Elasticsearch rejected"),
		"template": map[string]any{"mappings": map[string]any{"dynamic": false, "properties": map[string]any{
			"@timestamp": map[string]any{"type": "date"},
			"message":    map[string]any{"type": "text"},
			"error":      map[string]any{"properties": map[string]any{"message": map[string]any{"type": "text"}, "code": map[string]any{"type": "long"}}},
			"event":      map[string]any{"properties": map[string]any{"original": map[string]any{"type": "keyword", "index": false, "doc_values": false}}},
			"sluice":     map[string]any{"properties": map[string]any{"component": kw, "index": kw}},
		}}},
	}
}

func put(ctx context.Context, do Perform, path string, body any) error {
	status, resp, err := call(ctx, do, http.MethodPut, path, body)
	if err != nil {
		return err
	}
	if status >= 300 {
		return fmt.Errorf("setup: PUT %s: status %d: %s", path, status, reason(resp))
	}
	return nil
}

func call(ctx context.Context, do Perform, method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("setup: %s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	return res.StatusCode, b, err
}

func reason(body []byte) string {
	if r := gjson.GetBytes(body, "error.reason"); r.Exists() {
		return r.Str
	}
	return strings.TrimSpace(string(body[:min(len(body), 300)]))
}
