package check

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

// sections returns the sections in the order their first check was declared, with the indexes
// of their results, so the report reads in the order the file was written.
func sections(results []Result) ([]string, map[string][]int) {
	var order []string
	by := map[string][]int{}
	for i, r := range results {
		if _, ok := by[r.Section]; !ok {
			order = append(order, r.Section)
		}
		by[r.Section] = append(by[r.Section], i)
	}
	return order, by
}

// WriteText prints the report as the stack's original test suite did: a heading per section,
// one line per check ("PASSED: GPU memory >= 20 GiB - NVIDIA A10G: 22.5 GiB"), and the totals.
func WriteText(w io.Writer, results []Result) error {
	order, by := sections(results)
	for i, sec := range order {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "== %s ==\n", sec)
		for _, j := range by[sec] {
			r := results[j]
			line := fmt.Sprintf("%s: %s", r.Status, r.Name)
			if r.Detail != "" {
				line += " - " + r.Detail
			}
			fmt.Fprintln(w, line)
		}
	}
	_, err := fmt.Fprintf(w, "\nRESULTS: %s\n", Summarize(results))
	return err
}

// jsonResult is one result as CI tools read it.
type jsonResult struct {
	Name            string  `json:"name"`
	Section         string  `json:"section"`
	Kind            string  `json:"kind"`
	Status          string  `json:"status"`
	Detail          string  `json:"detail"`
	DurationSeconds float64 `json:"duration_seconds"`
}

// WriteJSON writes the results and totals as one JSON document.
func WriteJSON(w io.Writer, results []Result) error {
	out := struct {
		Results []jsonResult `json:"results"`
		Summary struct {
			Passed  int `json:"passed"`
			Failed  int `json:"failed"`
			Skipped int `json:"skipped"`
			Warned  int `json:"warnings"`
		} `json:"summary"`
	}{Results: []jsonResult{}}
	for _, r := range results {
		out.Results = append(out.Results, jsonResult{Name: r.Name, Section: r.Section, Kind: r.Kind,
			Status: lower(r.Status), Detail: r.Detail, DurationSeconds: r.Duration.Seconds()})
	}
	s := Summarize(results)
	out.Summary.Passed, out.Summary.Failed, out.Summary.Skipped, out.Summary.Warned = s.Passed, s.Failed, s.Skipped, s.Warned
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func lower(s Status) string {
	switch s {
	case Passed:
		return "passed"
	case Failed:
		return "failed"
	case Skipped:
		return "skipped"
	}
	return "warning"
}

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Name    string       `xml:"name,attr"`
	Tests   int          `xml:"tests,attr"`
	Fails   int          `xml:"failures,attr"`
	Skips   int          `xml:"skipped,attr"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name  string      `xml:"name,attr"`
	Tests int         `xml:"tests,attr"`
	Fails int         `xml:"failures,attr"`
	Skips int         `xml:"skipped,attr"`
	Time  string      `xml:"time,attr"`
	Cases []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes JUnit XML, one test suite per section, which CI systems (GitLab, Jenkins,
// GitHub test reporters) display as a test run. A warning is a passing case whose output says
// what was wrong: it must not fail the pipeline that reads the file.
func WriteJUnit(w io.Writer, results []Result) error {
	order, by := sections(results)
	s := Summarize(results)
	doc := junitSuites{Name: "sluice check", Tests: len(results), Fails: s.Failed, Skips: s.Skipped}
	for _, sec := range order {
		suite := junitSuite{Name: sec}
		var total time.Duration
		for _, j := range by[sec] {
			r := results[j]
			c := junitCase{Name: r.Name, Classname: sec, Time: seconds(r.Duration)}
			switch r.Status {
			case Failed:
				c.Failure, suite.Fails = &junitMessage{Message: r.Detail}, suite.Fails+1
			case Skipped:
				c.Skipped, suite.Skips = &junitMessage{Message: r.Detail}, suite.Skips+1
			case Warned:
				c.SystemOut = "WARNING: " + r.Detail
			default:
				c.SystemOut = r.Detail
			}
			total += r.Duration
			suite.Cases = append(suite.Cases, c)
		}
		suite.Tests, suite.Time = len(suite.Cases), seconds(total)
		doc.Suites = append(doc.Suites, suite)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
