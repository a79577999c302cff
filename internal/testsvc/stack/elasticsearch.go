package stack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// ESVersion is the Elasticsearch node run for tests: the newest 8.x whose minimal distribution
// (integ-test-zip, the only one Maven Central carries) runs on Java 17. See README.md for what
// that distribution lacks.
const ESVersion = "8.19.21"

// nobody is the unprivileged user Elasticsearch runs as when the harness runs as root, because
// Elasticsearch refuses to start as root.
const nobody = 65534

func (s *Stack) esHome() (string, error) {
	dir := esPlace(s.CacheDir, "elasticsearch-"+ESVersion)
	home := filepath.Join(dir, "elasticsearch-"+ESVersion)
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		return home, nil
	}
	_ = os.RemoveAll(home)
	dl := filepath.Join(dir, "download")
	art := artifact{Group: "org.elasticsearch.distribution.integ-test-zip", Name: "elasticsearch",
		Version: ESVersion, Type: "zip"}
	if err := fetchMaven(dir, dl, []artifact{art}, false); err != nil {
		return "", fmt.Errorf("elasticsearch: %w", err)
	}
	if err := unzip(filepath.Join(dl, "elasticsearch-"+ESVersion+".zip"), dir); err != nil {
		return "", fmt.Errorf("elasticsearch: %w", err)
	}
	_ = os.RemoveAll(dl)
	if err := os.WriteFile(filepath.Join(dir, ".complete"), nil, 0o644); err != nil {
		return "", fmt.Errorf("elasticsearch: %w", err)
	}
	return home, nil
}

func (s *Stack) esDaemon() daemon {
	dir := esPlace(s.StateDir, "elasticsearch")
	return daemon{name: "elasticsearch", dir: dir, marker: dir}
}

func esConfig(httpPort, transportPort int, dir string) string {
	return fmt.Sprintf(`cluster.name: sluice-test
node.name: sluice-test-1
discovery.type: single-node
network.host: 127.0.0.1
http.port: %d
transport.port: %d
path.data: %s
path.logs: %s
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
`, httpPort, transportPort, filepath.Join(dir, "data"), filepath.Join(dir, "logs"))
}

// StartElasticsearch starts a fresh single node (new data directory) and returns once
// _cluster/health answers yellow or green.
func (s *Stack) StartElasticsearch(ctx context.Context) error {
	if err := checkPortFree(s.ESPort, "elasticsearch http"); err != nil {
		return err
	}
	if err := checkPortFree(s.ESPort+100, "elasticsearch transport"); err != nil {
		return err
	}
	home, err := s.esHome()
	if err != nil {
		return err
	}
	jhome, err := javaHome()
	if err != nil {
		return fmt.Errorf("elasticsearch: %w", err)
	}
	d := s.esDaemon()
	if err := s.prepareESDirs(d, home); err != nil {
		return err
	}
	cmd := exec.Command(filepath.Join(home, "bin", "elasticsearch"))
	cmd.Dir = filepath.Join(d.dir, "logs")
	cmd.Env = []string{
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"HOME=" + d.dir,
		"ES_JAVA_HOME=" + jhome,
		"ES_PATH_CONF=" + filepath.Join(d.dir, "config"),
		"ES_TMPDIR=" + filepath.Join(d.dir, "tmp"),
		"ES_JAVA_OPTS=-Xms512m -Xmx512m",
		"CLI_JAVA_OPTS=-Xms16m -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
	}
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	}
	if err := d.start(cmd); err != nil {
		return err
	}
	url := fmt.Sprintf("http://127.0.0.1:%d", s.ESPort)
	return waitFor(d, s.StartTimeout, func() error { return esHealthy(ctx, url) })
}

// prepareESDirs lays out config, data, logs and tmp under the state directory. As root they
// are handed to the unprivileged user, which also needs to reach the distribution.
func (s *Stack) prepareESDirs(d daemon, home string) error {
	if err := os.RemoveAll(d.dir); err != nil {
		return fmt.Errorf("elasticsearch: clean %s: %w", d.dir, err)
	}
	conf := filepath.Join(d.dir, "config")
	for _, sub := range []string{"data", "logs", "tmp", "config/jvm.options.d"} {
		if err := os.MkdirAll(filepath.Join(d.dir, sub), 0o755); err != nil {
			return fmt.Errorf("elasticsearch: %w", err)
		}
	}
	for _, f := range []string{"jvm.options", "log4j2.properties"} {
		b, err := os.ReadFile(filepath.Join(home, "config", f))
		if err != nil {
			return fmt.Errorf("elasticsearch: distribution config: %w", err)
		}
		if err := os.WriteFile(filepath.Join(conf, f), b, 0o644); err != nil {
			return fmt.Errorf("elasticsearch: %w", err)
		}
	}
	yml := esConfig(s.ESPort, s.ESPort+100, d.dir)
	if err := os.WriteFile(filepath.Join(conf, "elasticsearch.yml"), []byte(yml), 0o644); err != nil {
		return fmt.Errorf("elasticsearch: %w", err)
	}
	if os.Geteuid() != 0 {
		return nil
	}
	for _, p := range []string{home, d.dir} {
		if err := reachableByOthers(p); err != nil {
			return fmt.Errorf("elasticsearch: runs as uid %d because it refuses root, and %w; "+
				"set SLUICE_CACHE_DIR and SLUICE_STACK_DIR to folders under a world-searchable path", nobody, err)
		}
	}
	return filepath.Walk(d.dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, nobody, nobody)
	})
}

// esPlace is where Elasticsearch's files named name go: under base, unless the harness is root
// and base lies below a folder other users cannot search (a clone under /root, say); then under
// a folder of ours in the system temp directory, keyed by base, so the unprivileged node can
// reach them.
func esPlace(base, name string) string {
	p := filepath.Join(base, name)
	if os.Geteuid() != 0 || reachableByOthers(p) == nil {
		return p
	}
	sum := sha256.Sum256([]byte(p))
	return filepath.Join(os.TempDir(), "sluice-testsvc-"+hex.EncodeToString(sum[:6]), name)
}

// reachableByOthers checks that every directory above p has the search bit for others.
func reachableByOthers(p string) error {
	for dir := filepath.Dir(p); ; dir = filepath.Dir(dir) {
		st, err := os.Stat(dir)
		switch {
		case errors.Is(err, os.ErrNotExist): // created later with mode 0755
		case err != nil:
			return err
		case st.Mode().Perm()&0o001 == 0:
			return fmt.Errorf("%s is not searchable by other users (mode %v)", dir, st.Mode().Perm())
		}
		if parent := filepath.Dir(dir); parent == dir {
			return nil
		}
	}
}

// esHealthy asks _cluster/health for yellow (replicas stay unassigned on one node) and checks
// the product header the official clients insist on.
func esHealthy(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		url+"/_cluster/health?wait_for_status=yellow&timeout=2s", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var h struct {
		Status string `json:"status"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		return fmt.Errorf("cluster health: HTTP %d: %w", resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK || (h.Status != "green" && h.Status != "yellow") {
		return fmt.Errorf("cluster health: HTTP %d status %q", resp.StatusCode, h.Status)
	}
	if p := resp.Header.Get("X-Elastic-Product"); !strings.EqualFold(p, "Elasticsearch") {
		return fmt.Errorf("cluster health: X-Elastic-Product header is %q", p)
	}
	return nil
}
