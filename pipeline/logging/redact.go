// Package logging holds what every part of sluice needs to write its own logs safely: a
// slog.Handler that removes credentials from every line, a way to show a component's settings
// under their config key names, and a limiter for warnings that a client can provoke at will.
//
// It is a leaf package (standard library only), so components, the runtime and the CLI share it
// without importing each other.
package logging

import (
	"strings"
)

// mask replaces a secret. It is short and fixed, so a log line does not even reveal a length.
const mask = "xxxxx"

// secretParams are query-string parameters whose values are credentials (lowercase).
var secretParams = map[string]bool{
	"password": true, "passwd": true, "pass": true, "pwd": true, "secret": true,
	"token": true, "access_token": true, "refresh_token": true, "id_token": true, "auth": true,
	"authorization": true, "api_key": true, "apikey": true, "api-key": true, "key": true,
	"sig": true, "signature": true, "x-amz-signature": true, "x-amz-credential": true,
	"x-amz-security-token": true, "client_secret": true, "sas": true,
}

// Redact returns s with the credentials in every URL it contains masked: the password of
// user:password@ (user info without a password is masked whole, since it is usually a token) and
// the values of query parameters that carry secrets (token, password, api_key, signature...).
// Text without "://" is returned as it is, without allocating.
func Redact(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+3])
		s = s[i+3:]
		end := urlEnd(s)
		b.WriteString(redactURL(s[:end]))
		s = s[end:]
	}
}

// urlEnd returns where the URL that starts at s (after "scheme://") ends: at white space, a
// quote or a bracket that cannot belong to it.
func urlEnd(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '"', '\'', '`', '<', '>', '{', '}', '[', ']', '|', '\\', ',':
			return i
		}
	}
	return len(s)
}

// redactURL masks the user info of one URL (given without its scheme) and its secret query
// parameters.
func redactURL(u string) string {
	hostEnd := strings.IndexAny(u, "/?#")
	if hostEnd < 0 {
		hostEnd = len(u)
	}
	if at := strings.LastIndexByte(u[:hostEnd], '@'); at >= 0 {
		user, _, hasPass := strings.Cut(u[:at], ":")
		if hasPass {
			user += ":" + mask
		} else {
			user = mask
		}
		u = user + u[at:]
	}
	q := strings.IndexByte(u, '?')
	if q < 0 {
		return u
	}
	var b strings.Builder
	b.WriteString(u[:q+1])
	params := u[q+1:]
	frag := ""
	if h := strings.IndexByte(params, '#'); h >= 0 {
		params, frag = params[:h], params[h:]
	}
	for i, kv := range strings.Split(params, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		name, _, hasValue := strings.Cut(kv, "=")
		if hasValue && secretParams[strings.ToLower(name)] {
			kv = name + "=" + mask
		}
		b.WriteString(kv)
	}
	b.WriteString(frag)
	return b.String()
}
