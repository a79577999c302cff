package tlsconfig

import (
	"sync"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/tlsconfig/tlstest"
)

// fakeClock is moved by the test only.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestReloaderFollowsRotations(t *testing.T) {
	t.Parallel()
	ca := tlstest.NewCA(t, "ca")
	f := ca.WriteFiles(t, "sluice-a")
	clock := &fakeClock{now: time.Unix(1e9, 0)}
	var results []error
	r, err := NewReloader(Server{Enabled: true, CertFile: f.Cert, KeyFile: f.Key},
		ReloadOptions{Every: time.Second, Now: clock.Now, OnReload: func(err error) { results = append(results, err) }})
	if err != nil {
		t.Fatal(err)
	}
	serverCN := func() string {
		t.Helper()
		c := r.Config()
		sc, err := c.GetConfigForClient(nil)
		if err != nil {
			t.Fatal(err)
		}
		leaf := sc.Certificates[0].Leaf
		return leaf.Subject.CommonName
	}
	if cn := serverCN(); cn != "sluice-a" {
		t.Fatalf("first certificate %q", cn)
	}
	c, k := ca.Issue(t, "sluice-b")
	later := time.Now().Add(time.Minute)
	tlstest.WriteFile(t, f.Cert, c, later)
	tlstest.WriteFile(t, f.Key, k, later)
	if cn := serverCN(); cn != "sluice-a" {
		t.Fatalf("files were looked at before the interval passed: %q", cn)
	}
	clock.add(time.Second)
	if cn := serverCN(); cn != "sluice-b" {
		t.Fatalf("after rotation the server presents %q", cn)
	}
	// A rotation caught half-written keeps the certificate that works, and is not read again
	// until it changes.
	tlstest.WriteFile(t, f.Cert, []byte("-----BEGIN CERTIFICATE-----\ncut"), later.Add(time.Minute))
	for range 2 {
		clock.add(time.Second)
		if cn := serverCN(); cn != "sluice-b" {
			t.Fatalf("after a bad file the server presents %q", cn)
		}
	}
	if len(results) != 2 || results[0] != nil || results[1] == nil {
		t.Errorf("reload results %v, want ok then one error", results)
	}
}
