package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/pipeline/runtime"
)

// The HTTP trailers in which /tap reports the events it dropped and why the stream ended
// (limit, stopped: the pipelines stopped or reloaded).
const (
	tapDroppedTrailer = "Sluice-Tap-Dropped"
	tapEndTrailer     = "Sluice-Tap-End"
)

// tapHandler serves /tap?component=ID[&kind=K][&sample=F][&rate=N][&limit=N]: NDJSON, one event
// a line, as it leaves the component, until the client goes, limit lines were sent, or the
// pipelines stop. A tap never blocks the pipeline: what the client does not read in time is
// dropped, and the count comes back in the Sluice-Tap-Dropped trailer.
func tapHandler(rt *runtime.Runtime) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		opts, limit, err := tapParams(r.URL.Query())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		tp, err := rt.Tap(r.URL.Query().Get("component"), opts)
		if errors.Is(err, runtime.ErrTooManyTaps) {
			http.Error(w, err.Error(), http.StatusTooManyRequests)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		defer tp.Close()
		// A tap lasts as long as its reader wants: lift the server's timeouts for it (the
		// write timeout would cut the stream after 60 s).
		rc := http.NewResponseController(w)
		_ = rc.SetWriteDeadline(time.Time{})
		_ = rc.SetReadDeadline(time.Time{})
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Header().Set("Trailer", tapDroppedTrailer+", "+tapEndTrailer)
		w.WriteHeader(http.StatusOK)
		_ = rc.Flush()
		end := streamTap(r.Context(), w, rc, tp, limit)
		w.Header().Set(tapDroppedTrailer, strconv.FormatInt(tp.Dropped(), 10))
		w.Header().Set(tapEndTrailer, end)
	}
}

// streamTap writes the tap's events, flushing whenever none is waiting, and says why it
// stopped: limit, stopped (the tap was closed: the pipelines stopped) or client.
func streamTap(ctx context.Context, w io.Writer, rc *http.ResponseController, tp *runtime.Tap, limit int) string {
	for sent := 0; limit == 0 || sent < limit; sent++ {
		var line []byte
		var ok bool
		select {
		case <-ctx.Done():
			return "client"
		case line, ok = <-tp.C:
		}
		if !ok {
			return "stopped"
		}
		if _, err := w.Write(append(line, '\n')); err != nil {
			return "client"
		}
		if len(tp.C) == 0 && rc.Flush() != nil {
			return "client"
		}
	}
	return "limit"
}

// tapParams reads a tap's options from the query.
func tapParams(q url.Values) (runtime.TapOptions, int, error) {
	opts := runtime.TapOptions{Kind: q.Get("kind")}
	var errs []error
	num := func(key string, into *float64) {
		if s := q.Get(key); s != "" {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v <= 0 {
				errs = append(errs, fmt.Errorf("%s: want a positive number, got %q", key, s))
			}
			*into = v
		}
	}
	num("sample", &opts.Sample)
	num("rate", &opts.Rate)
	var limit float64
	num("limit", &limit)
	if opts.Sample > 1 {
		errs = append(errs, fmt.Errorf("sample: want a fraction in (0, 1], got %v", opts.Sample))
	}
	switch opts.Kind {
	case "", "input", "processor", "output":
	default:
		errs = append(errs, fmt.Errorf("kind: want input, processor or output, got %q", opts.Kind))
	}
	if q.Get("component") == "" {
		errs = append(errs, errors.New("component: missing"))
	}
	return opts, int(limit), errors.Join(errs...)
}

// tapOff answers /tap while http.tap is off, saying how to turn it on.
func tapOff(w http.ResponseWriter, _ *http.Request) {
	http.Error(w, "tap is off: set http.tap: true in the config", http.StatusNotFound)
}

func newTapCmd() *cobra.Command {
	var file, base, kind string
	var sample, perSec float64
	var limit int
	cmd := &cobra.Command{
		Use:   "tap (-c FILE | --url URL) COMPONENT",
		Short: "Stream the events leaving a component of a running instance, as NDJSON (needs http.tap: true)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := instanceURL(file, base, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			q := url.Values{"component": {args[0]}}
			set := func(k string, v float64) {
				if v != 0 {
					q.Set(k, strconv.FormatFloat(v, 'g', -1, 64))
				}
			}
			set("sample", sample)
			set("rate", perSec)
			set("limit", float64(limit))
			if kind != "" {
				q.Set("kind", kind)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			return readTap(ctx, u+"/tap?"+q.Encode(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	instanceFlags(cmd, &file, &base)
	cmd.Flags().StringVar(&kind, "kind", "", "input, processor or output, when an input and an output share the id")
	cmd.Flags().Float64Var(&sample, "sample", 0, "fraction of the events to show, in (0, 1] (default all)")
	cmd.Flags().Float64Var(&perSec, "rate", 0, fmt.Sprintf("most events a second; beyond it events are dropped and counted (default %d)", runtime.DefaultTapRate))
	cmd.Flags().IntVarP(&limit, "limit", "n", 0, "stop after this many events (default: until interrupted)")
	return cmd
}

// readTap copies the NDJSON stream of a tap to stdout and reports the dropped count on stderr.
func readTap(ctx context.Context, u string, stdout, stderr io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("tap: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("tap: %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	// The server writes whole lines and flushes when it has no more: copying as the body
	// arrives shows each event as it comes.
	if _, err := io.Copy(stdout, resp.Body); err != nil && ctx.Err() == nil {
		return fmt.Errorf("tap: %w", err)
	}
	if n := resp.Trailer.Get(tapDroppedTrailer); n != "" && n != "0" {
		fmt.Fprintf(stderr, "tap: %s events dropped (over the rate, or not read in time)\n", n)
	}
	if resp.Trailer.Get(tapEndTrailer) == "stopped" {
		fmt.Fprintln(stderr, "tap: the instance's pipelines stopped (shutdown or reload); run sluice tap again to follow the new ones")
	}
	return nil
}

// instanceFlags adds the flags that say where a running instance is.
func instanceFlags(cmd *cobra.Command, file, base *string) {
	cmd.Flags().StringVarP(file, "config", "c", "", "the instance's config file: its http.address is where to connect")
	cmd.Flags().StringVar(base, "url", "", "the instance's HTTP endpoint (http://host:port) instead of -c")
	cmd.MarkFlagsMutuallyExclusive("config", "url")
	cmd.MarkFlagsOneRequired("config", "url")
}

// instanceURL is the base URL of a running instance: --url as given, or the config's
// http.address, where a wildcard host (":9600", "0.0.0.0:9600") is reached on loopback.
func instanceURL(file, base string, stderr io.Writer) (string, error) {
	if base != "" {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", fmt.Errorf("--url: want http://host:port, got %q", base)
		}
		return strings.TrimRight(base, "/"), nil
	}
	cfg, err := loadConfig(&configFlags{paths: []string{file}}, stderr)
	if err != nil {
		return "", err
	}
	addr := cfg.HTTP.Address
	if addr == "" {
		return "", fmt.Errorf("%s: http.address is empty: the instance serves no HTTP endpoint", file)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("%s: http.address: %w", file, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port), nil
}
