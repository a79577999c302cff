package tlsconfig

import (
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// ReloadOptions say how often a Reloader looks at its files and whom it tells.
type ReloadOptions struct {
	// Every is how often the files are checked, at most (on a handshake, never in the
	// background); zero checks on every handshake.
	Every time.Duration
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// OnReload, when set, is called after each reload a file change caused, with its error
	// (nil when the new files are in use), so the caller can log and count.
	OnReload func(error)
}

// Reloader serves a listener's TLS configuration and reads the certificate, key and client CA
// files again when one of them changes on disk, so that a rotated certificate (cert-manager
// renews every few weeks) applies to new connections without a restart. A file that fails to
// load (a rotation caught half-written) keeps the previous certificate in use, and is not tried
// again until it changes.
type Reloader struct {
	cfg     Server
	opt     ReloadOptions
	mu      sync.Mutex
	checked time.Time
	mtimes  [3]int64 // of the files in use
	failed  [3]int64 // of files that failed to load
	current *tls.Config
}

// NewReloader reads the files once: an error here fails startup, naming the key and file.
func NewReloader(cfg Server, opt ReloadOptions) (*Reloader, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	r := &Reloader{cfg: cfg, opt: opt}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checked = opt.Now()
	if err := r.loadLocked(); err != nil {
		return nil, err
	}
	return r, nil
}

// Config is the listener's tls.Config: every handshake gets the current configuration.
func (r *Reloader) Config() *tls.Config {
	c := Base(r.cfg.MinVersion)
	c.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) { return r.get(), nil }
	return c
}

// SetEvery changes how often files are checked (tests check on every handshake).
func (r *Reloader) SetEvery(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.opt.Every = d
}

func (r *Reloader) get() *tls.Config {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now := r.opt.Now(); now.Sub(r.checked) >= r.opt.Every {
		r.checked = now
		if m := r.stat(); m != r.mtimes && m != r.failed {
			err := r.loadLocked()
			if err != nil {
				r.failed = m
			}
			if r.opt.OnReload != nil {
				r.opt.OnReload(err)
			}
		}
	}
	return r.current
}

func (r *Reloader) files() [3]string {
	return [3]string{r.cfg.CertFile, r.cfg.KeyFile, r.cfg.ClientCAFile}
}

// stat returns the files' modification times (zero for a file that cannot be read).
func (r *Reloader) stat() [3]int64 {
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

func (r *Reloader) loadLocked() error {
	var mtimes [3]int64
	for i, f := range r.files() {
		if f == "" {
			continue
		}
		st, err := os.Stat(f)
		if err != nil {
			return fmt.Errorf("tls: %w", err)
		}
		mtimes[i] = st.ModTime().UnixNano()
	}
	c, err := r.cfg.build()
	if err != nil {
		return err
	}
	r.current, r.mtimes = c, mtimes
	return nil
}

// build reads the files into a complete server configuration.
func (s *Server) build() (*tls.Config, error) {
	cert, err := loadPair(s.CertFile, s.KeyFile)
	if err != nil {
		return nil, err
	}
	c := Base(s.MinVersion)
	c.Certificates = []tls.Certificate{cert}
	if s.ClientCAFile != "" {
		if c.ClientCAs, err = LoadPool("client_ca_file", s.ClientCAFile); err != nil {
			return nil, err
		}
		c.ClientAuth = tls.RequireAndVerifyClientCert
		if s.ClientAuth == ClientAuthOptional {
			c.ClientAuth = tls.VerifyClientCertIfGiven
		}
	}
	if len(s.AllowedNames) > 0 {
		allowed := s.AllowedNames
		c.VerifyConnection = func(cs tls.ConnectionState) error { return checkName(cs, allowed) }
	}
	return c, nil
}

// ErrClientName marks a handshake refused for the client certificate's name (allowed_names),
// so a listener can count it apart from other handshake failures.
var ErrClientName = errors.New("client certificate name not allowed")

func checkName(cs tls.ConnectionState, allowed []string) error {
	if len(cs.PeerCertificates) == 0 {
		return fmt.Errorf("%w: no client certificate", ErrClientName)
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
	return fmt.Errorf("%w: %q", ErrClientName, leaf.Subject.CommonName)
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

// ClientName is the name of a verified client certificate (its CN, else its first DNS name),
// for logs and connection stats; "" without one.
func ClientName(cs tls.ConnectionState) string {
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
