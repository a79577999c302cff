// Package setup prepares a cluster for sluice, as `filebeat setup` does: index templates whose
// mappings come from the parsers' field table, the ILM policy, and Kibana's data view, saved
// searches and dashboard. Every step overwrites objects of fixed names, so it is safe to run on
// every deployment.
package setup

import (
	"context"
	"fmt"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/output/elasticsearch"
)

// Options choose what Run does.
type Options struct {
	// Fields is the field table the mappings are built from: the parsers' declarations, which
	// cmd/sluice hands over (this package does not import the parsers).
	Fields []event.FieldInfo
	// SkipTemplates and SkipKibana leave out a part.
	SkipTemplates bool
	SkipKibana    bool
}

// Run installs everything for one elasticsearch output config and returns what it did.
func Run(ctx context.Context, cfg *elasticsearch.Config, opts Options) ([]Step, error) {
	var steps []Step
	if !opts.SkipTemplates {
		client, err := elasticsearch.NewClient(cfg, nil)
		if err != nil {
			return nil, err
		}
		st, err := Templates(ctx, client.Perform, cfg, opts.Fields)
		steps = append(steps, st...)
		if err != nil {
			return steps, err
		}
	}
	if opts.SkipKibana {
		return steps, nil
	}
	if cfg.Setup.Kibana.Host == "" {
		return append(steps, Step{Name: "kibana saved objects", Status: "skipped",
			Note: "setup.kibana.host is not set"}), nil
	}
	kb, err := NewKibana(cfg)
	if err != nil {
		return steps, err
	}
	assets, err := Assets(DataViewPattern(cfg), cfg.DeadLetterIndex)
	if err != nil {
		return steps, err
	}
	n, err := kb.Import(ctx, assets)
	if err != nil {
		return steps, err
	}
	return append(steps, Step{Name: "kibana saved objects", Status: "installed",
		Note: fmt.Sprintf("%d objects: data views, %d saved searches, %d charts, %d dashboards", n, len(searches), len(charts(cfg.DeadLetterIndex != "")), len(dashboards(cfg.DeadLetterIndex != "")))}), nil
}
