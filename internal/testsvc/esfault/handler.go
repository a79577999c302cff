package esfault

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// handle routes the few endpoints an output needs; anything else gets Elasticsearch's 404 shape.
func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	last := parts[len(parts)-1]
	switch {
	case r.URL.Path == "/":
		s.info(w, r)
	case last == "_bulk" && (r.Method == http.MethodPost || r.Method == http.MethodPut):
		index := ""
		if len(parts) == 2 {
			index = parts[0]
		}
		s.bulk(w, r, index)
	case parts[0] == "_cluster" && last == "health":
		writeJSON(w, http.StatusOK, map[string]any{"cluster_name": "esfault", "status": "green",
			"number_of_nodes": 1, "number_of_data_nodes": 1, "timed_out": false})
	case len(parts) == 2 && (parts[0] == "_index_template" || parts[0] == "_component_template"):
		s.template(w, r, parts[0]+"/"+parts[1])
	case last == "_refresh":
		writeJSON(w, http.StatusOK, map[string]any{"_shards": map[string]int{"total": 1, "successful": 1, "failed": 0}})
	case len(parts) == 2 && last == "_count":
		writeJSON(w, http.StatusOK, map[string]any{"count": s.countIndex(parts[0])})
	default:
		writeError(w, http.StatusNotFound, "resource_not_found_exception",
			fmt.Sprintf("esfault does not implement [%s %s]", r.Method, r.URL.Path))
	}
}

func (s *Server) info(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"name": "esfault", "cluster_name": "esfault", "cluster_uuid": "esfault-cluster-uuid-000001",
		"version": map[string]any{"number": Version, "build_flavor": "default", "build_type": "zip",
			"lucene_version": "9.12.2", "minimum_wire_compatibility_version": "7.17.0",
			"minimum_index_compatibility_version": "7.0.0"},
		"tagline": "You Know, for Search",
	})
}

func (s *Server) template(w http.ResponseWriter, r *http.Request, key string) {
	switch r.Method {
	case http.MethodPut, http.MethodPost:
		body, err := readBody(r, 10<<20)
		if err != nil || !json.Valid(body) {
			writeError(w, http.StatusBadRequest, "x_content_parse_exception", "template body is not JSON")
			return
		}
		s.mu.Lock()
		s.templates[key] = body
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]bool{"acknowledged": true})
	case http.MethodGet, http.MethodHead:
		s.mu.Lock()
		t, ok := s.templates[key]
		s.mu.Unlock()
		if !ok {
			writeError(w, http.StatusNotFound, "resource_not_found_exception", key+" missing")
			return
		}
		writeJSON(w, http.StatusOK, json.RawMessage(t))
	default:
		writeError(w, http.StatusMethodNotAllowed, "illegal_argument_exception", r.Method+" not allowed")
	}
}

func (s *Server) bulk(w http.ResponseWriter, r *http.Request, pathIndex string) {
	req, status, err := readBulk(r, pathIndex, s.maxBody)
	if err != nil {
		if status == http.StatusRequestEntityTooLarge {
			w.WriteHeader(status) // Elasticsearch's HTTP layer answers 413 with no body
			return
		}
		writeError(w, status, "illegal_argument_exception", err.Error())
		return
	}
	s.mu.Lock()
	n := len(s.requests)
	s.requests = append(s.requests, req)
	fn := s.fault
	s.mu.Unlock()
	var f Fault
	if fn != nil {
		f = fn(n, req)
	}
	if !f.AfterIndex && !s.hold(w, f) {
		return
	}
	if f.Status != 0 {
		writeError(w, f.Status, errorType(f.Status), fmt.Sprintf("esfault: injected status %d", f.Status))
		return
	}
	start := time.Now()
	items, anyErr := s.apply(req.Items, f.ItemStatus)
	if f.AfterIndex && !s.hold(w, f) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"took": time.Since(start).Milliseconds(), "errors": anyErr, "items": items})
}

// hold applies the delay and the drop; false means the connection is gone.
func (s *Server) hold(w http.ResponseWriter, f Fault) bool {
	if f.Delay > 0 {
		time.Sleep(f.Delay)
	}
	if !f.Drop {
		return true
	}
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			_ = c.Close()
		}
	}
	return false
}

// apply stores the items and builds the per-item results in request order.
func (s *Server) apply(items []Item, itemStatus map[int]int) ([]map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]map[string]any, len(items))
	anyErr := false
	for i, it := range items {
		res := map[string]any{"_index": it.Index}
		if st, ok := itemStatus[i]; ok && st >= 300 {
			setItemError(res, st, fmt.Sprintf("esfault: injected item status %d", st))
		} else {
			s.store(it, res)
		}
		if st, _ := res["status"].(int); st >= 300 {
			anyErr = true
		}
		out[i] = map[string]any{it.Op: res}
	}
	return out, anyErr
}

func (s *Server) store(it Item, res map[string]any) {
	if it.ID == "" && it.Op != "delete" {
		s.autoID++
		it.ID = fmt.Sprintf("esfault-%016d", s.autoID)
	}
	res["_id"] = it.ID
	key := it.Index + "\x00" + it.ID
	old, exists := s.docs[key]
	switch it.Op {
	case "create", "index":
		if exists && it.Op == "create" {
			s.conflicts++
			setItemError(res, http.StatusConflict, fmt.Sprintf("[%s]: version conflict, document already exists (current version [%d])", it.ID, old.Version))
			return
		}
		d := &Doc{Index: it.Index, ID: it.ID, Source: it.Source, Version: 1}
		res["result"], res["status"] = "created", http.StatusCreated
		if exists {
			s.conflicts++
			d.Version = old.Version + 1
			res["result"], res["status"] = "updated", http.StatusOK
		} else {
			s.order = append(s.order, key)
		}
		s.docs[key] = d
		res["_version"] = d.Version
	case "delete":
		if !exists {
			res["result"], res["status"] = "not_found", http.StatusNotFound
			return
		}
		delete(s.docs, key)
		res["result"], res["status"] = "deleted", http.StatusOK
	default:
		setItemError(res, http.StatusBadRequest, "esfault: the "+it.Op+" action is not supported")
	}
}

func setItemError(res map[string]any, status int, reason string) {
	res["status"] = status
	res["error"] = map[string]any{"type": errorType(status), "reason": reason}
}

// errorType is the exception Elasticsearch names for each status sluice must handle.
func errorType(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "es_rejected_execution_exception"
	case http.StatusConflict:
		return "version_conflict_engine_exception"
	case http.StatusBadRequest:
		return "document_parsing_exception"
	case http.StatusNotFound:
		return "index_not_found_exception"
	case http.StatusServiceUnavailable:
		return "unavailable_shards_exception"
	case http.StatusRequestEntityTooLarge:
		return "content_too_long_exception"
	default:
		return "exception"
	}
}

// readBulk decodes an NDJSON bulk body (gzip or plain) into items.
func readBulk(r *http.Request, pathIndex string, maxBody int64) (Request, int, error) {
	req := Request{Header: r.Header.Clone(), Gzipped: strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip")}
	raw, err := readBody(r, maxBody+1)
	if err != nil {
		return req, http.StatusBadRequest, fmt.Errorf("read body: %w", err)
	}
	if int64(len(raw)) > maxBody {
		return req, http.StatusRequestEntityTooLarge, fmt.Errorf("body over %d bytes", maxBody)
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 64<<10), int(maxBody)+1)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		it, err := parseAction(line, pathIndex)
		if err != nil {
			return req, http.StatusBadRequest, err
		}
		if it.Op != "delete" {
			if !sc.Scan() {
				return req, http.StatusBadRequest, fmt.Errorf("the %s action for [%s] has no document line", it.Op, it.Index)
			}
			it.Source = append(json.RawMessage(nil), bytes.TrimSpace(sc.Bytes())...)
			if !json.Valid(it.Source) {
				return req, http.StatusBadRequest, fmt.Errorf("document for [%s] is not JSON", it.Index)
			}
		}
		req.Items = append(req.Items, it)
	}
	if len(req.Items) == 0 {
		return req, http.StatusBadRequest, fmt.Errorf("request body is required")
	}
	return req, 0, sc.Err()
}

func parseAction(line []byte, pathIndex string) (Item, error) {
	var action map[string]struct {
		Index string `json:"_index"`
		ID    string `json:"_id"`
	}
	if err := json.Unmarshal(line, &action); err != nil || len(action) != 1 {
		return Item{}, fmt.Errorf("malformed action line %.100q", line)
	}
	for op, meta := range action {
		it := Item{Op: op, Index: meta.Index, ID: meta.ID}
		if it.Index == "" {
			it.Index = pathIndex
		}
		if it.Index == "" {
			return Item{}, fmt.Errorf("index is missing in %.100q", line)
		}
		return it, nil
	}
	return Item{}, nil
}

// readBody reads up to limit bytes of the request body, gunzipping it when the client
// compressed it (the official clients do with CompressRequestBody).
func readBody(r *http.Request, limit int64) ([]byte, error) {
	var body io.Reader = r.Body
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		defer zr.Close()
		body = zr
	}
	return io.ReadAll(io.LimitReader(body, limit))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, typ, reason string) {
	cause := map[string]string{"type": typ, "reason": reason}
	writeJSON(w, status, map[string]any{
		"error":  map[string]any{"root_cause": []any{cause}, "type": typ, "reason": reason},
		"status": status,
	})
}
