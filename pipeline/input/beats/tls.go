package beats

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
)

// certReloader serves the TLS configuration and reads the certificate, key and client CA files
// again when one of them changes on disk, so that a rotated certificate (cert-manager renews
// every few weeks) applies to new connections without a restart. A file that fails to load (a
// rotation caught half-written) keeps the previous certificate in use, logged and counted.
type certReloader struct {
	cfg     TLSConfig
	log     *slog.Logger
	m       *metrics
	every   time.Duration // how often files are checked, at most
	mu      sync.Mutex
	checked time.Time
	mtimes  [3]int64 // of the files in use
	failed  [3]int64 // of files that failed to load: not tried again until they change
	current *tls.Config
}

func newCertReloader(cfg TLSConfig, log *slog.Logger, m *metrics) (*certReloader, error) {
	r := &certReloader{cfg: cfg, log: log, m: m, every: time.Second}
	if err := r.load(); err != nil {
		return nil, err
	}
	return r, nil
}

// serverConfig is the listener's tls.Config: every handshake gets the current configuration.
func (r *certReloader) serverConfig() *tls.Config {
	return &tls.Config{
		MinVersion: minVersion(r.cfg.MinVersion),
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			return r.get(), nil
		},
	}
}

func (r *certReloader) get() *tls.Config {
	r.mu.Lock()
	defer r.mu.Unlock()
	if time.Since(r.checked) >= r.every {
		r.checked = time.Now()
		if now := r.stat(); now != r.mtimes && now != r.failed {
			if err := r.loadLocked(); err != nil {
				r.failed = now
				r.m.certReloads.WithLabelValues("error").Inc()
				r.log.Error("beats: reload tls files, keeping the previous certificate", "error", err)
			} else {
				r.m.certReloads.WithLabelValues("ok").Inc()
				r.log.Info("beats: tls files reloaded")
			}
		}
	}
	return r.current
}

func (r *certReloader) files() [3]string {
	return [3]string{r.cfg.Certificate, r.cfg.Key, r.cfg.ClientCA}
}

// stat returns the files' modification times (zero for a file that cannot be read).
func (r *certReloader) stat() [3]int64 {
	var m [3]int64
	for i, f := range r.files() {
		if f == "" {
			continue
		}
		if st, err := os.Stat(f); err == nil {
			m[i] = st.ModTime().UnixNano()
		}
	}
	return m
}

func (r *certReloader) load() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checked = time.Now()
	return r.loadLocked()
}

func (r *certReloader) loadLocked() error {
	var mtimes [3]int64
	for i, f := range r.files() {
		if f == "" {
			continue
		}
		st, err := os.Stat(f)
		if err != nil {
			return fmt.Errorf("beats: tls: %w", err)
		}
		mtimes[i] = st.ModTime().UnixNano()
	}
	cert, err := tls.LoadX509KeyPair(r.cfg.Certificate, r.cfg.Key)
	if err != nil {
		return fmt.Errorf("beats: tls: load certificate %s: %w", r.cfg.Certificate, err)
	}
	c := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: minVersion(r.cfg.MinVersion)}
	if r.cfg.ClientCA != "" {
		pem, err := os.ReadFile(r.cfg.ClientCA)
		if err != nil {
			return fmt.Errorf("beats: tls: read client_ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("beats: tls: client_ca %s: no PEM certificate", r.cfg.ClientCA)
		}
		c.ClientCAs = pool
		c.ClientAuth = tls.RequireAndVerifyClientCert
		if r.cfg.ClientAuth == ClientAuthOptional {
			c.ClientAuth = tls.VerifyClientCertIfGiven
		}
	}
	if len(r.cfg.AllowedNames) > 0 {
		allowed := r.cfg.AllowedNames
		c.VerifyConnection = func(cs tls.ConnectionState) error { return checkName(cs, allowed) }
	}
	r.current, r.mtimes = c, mtimes
	return nil
}

// errClientName marks a handshake refused for the client certificate's name.
var errClientName = errors.New("client certificate name not allowed")

func checkName(cs tls.ConnectionState, allowed []string) error {
	if len(cs.PeerCertificates) == 0 {
		return fmt.Errorf("%w: no client certificate", errClientName)
	}
	leaf := cs.PeerCertificates[0]
	names := append([]string{leaf.Subject.CommonName}, leaf.DNSNames...)
	for _, n := range names {
		for _, a := range allowed {
			if nameMatches(a, n) {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: %q", errClientName, leaf.Subject.CommonName)
}

// nameMatches compares case-insensitively; "*.example.com" matches exactly one label.
func nameMatches(pattern, name string) bool {
	if name == "" {
		return false
	}
	if strings.EqualFold(pattern, name) {
		return true
	}
	if rest, ok := strings.CutPrefix(pattern, "*."); ok {
		label, domain, found := strings.Cut(name, ".")
		return found && label != "" && strings.EqualFold(domain, rest)
	}
	return false
}

// clientName is the name logged for a verified client certificate.
func clientName(cs tls.ConnectionState) string {
	if len(cs.PeerCertificates) == 0 {
		return ""
	}
	leaf := cs.PeerCertificates[0]
	if leaf.Subject.CommonName != "" {
		return leaf.Subject.CommonName
	}
	if len(leaf.DNSNames) > 0 {
		return leaf.DNSNames[0]
	}
	return ""
}

func minVersion(v string) uint16 {
	if v == "1.3" {
		return tls.VersionTLS13
	}
	return tls.VersionTLS12
}
