package check

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseSMI feeds arbitrary bytes to both nvidia-smi readers, seeded with the recorded
// outputs: a driver's odd output must give an error or a report, never a panic.
func FuzzParseSMI(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "nvidia-smi", "*"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && !strings.HasSuffix(p, ".md") {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, parse := range []func(*bytes.Reader) (*smiReport, error){
			func(r *bytes.Reader) (*smiReport, error) { return parseSMIXML(r) },
			func(r *bytes.Reader) (*smiReport, error) { return parseSMICSV(r) },
		} {
			rep, err := parse(bytes.NewReader(b))
			if err == nil && rep == nil {
				t.Fatal("no report and no error")
			}
		}
	})
}
