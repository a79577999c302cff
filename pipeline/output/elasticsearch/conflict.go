package elasticsearch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/output/sender"
)

// A 409 on create says that a document with the item's id is stored, which for one line means
// the line itself: a replay. A record of several lines (a traceback the parse processor joined)
// takes its id from where its first line was read, and a piece of it may hold that id: the
// record split before a restart (its first line sent alone) and read whole after it, as Filebeat
// resends the windows it has no acknowledgement for. Counting that 409 as delivered would lose
// every line after the first, so such a conflict is settled by reading what is stored: the same
// record, or a longer one, is a replay; anything else is indexed under an id of its own, derived
// from the first and the whole message, so that a second replay is a 409 in its turn.

// conflict is an item of several lines whose create answered 409.
type conflict struct {
	it    *sender.Item
	index string // the index (a data stream's backing index) holding the stored document
	id    string
	msg   string
}

// recordConflict returns the conflict to settle for an item answered 409, or false when the 409
// is a replay as it stands: a document of one line, or one already given an id of its own.
func recordConflict(it *sender.Item, index string) (conflict, bool) {
	if it.Rekeyed {
		return conflict{}, false
	}
	nl := bytes.IndexByte(it.Body, '\n')
	if nl < 0 {
		return conflict{}, false
	}
	msg := gjson.GetBytes(it.Body[nl+1:], "message").Str
	if !strings.Contains(msg, "\n") {
		return conflict{}, false
	}
	action := it.Body[:nl]
	if index == "" {
		index = gjson.GetBytes(action, "*._index").Str
	}
	return conflict{it: it, index: index, id: gjson.GetBytes(action, "*._id").Str, msg: msg}, true
}

// settleConflicts reads the stored documents of cs in one multi-get and finishes those that hold
// the item's message (as a replay); it returns the others with an id of their own, to send
// again. When the documents cannot be read, every item is sent again so: a copy too many rather
// than lines lost.
func (o *Output) settleConflicts(ctx context.Context, cs []conflict) []*sender.Item {
	if len(cs) == 0 {
		return nil
	}
	stored, err := o.storedMessages(ctx, cs)
	if err != nil {
		o.log.Warn("elasticsearch: could not read the documents records of several lines conflict with; indexing them under ids of their own",
			"documents", len(cs), "err", err)
	}
	var again []*sender.Item
	for i, c := range cs {
		if err == nil && stored[i].found && strings.HasPrefix(stored[i].msg, c.msg) {
			o.m.duplicates.Inc()
			c.it.Finish(event.Delivered)
			continue
		}
		o.log.Info("elasticsearch: a record of several lines finds a shorter piece of it stored under its id (split before a restart); indexed under an id of its own",
			"index", c.index, "_id", c.id, "lines", strings.Count(c.msg, "\n")+1)
		o.m.rekeyed.Inc()
		rekey(c)
		again = append(again, c.it)
	}
	return again
}

type storedDoc struct {
	found bool
	msg   string
}

// storedMessages returns the stored message of each conflict's document, in order.
func (o *Output) storedMessages(ctx context.Context, cs []conflict) ([]storedDoc, error) {
	body := []byte(`{"docs":[`)
	for i, c := range cs {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, `{"_index":`...)
		body = event.AppendString(body, c.index)
		body = append(body, `,"_id":`...)
		body = event.AppendString(body, c.id)
		body = append(body, `,"_source":["message"]}`...)
	}
	body = append(body, "]}"...)
	ctx, cancel := context.WithTimeout(ctx, o.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "/_mget?filter_path=docs.found,docs._source.message", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := o.perform(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	resp, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	if res.StatusCode >= 300 {
		return nil, fmt.Errorf("multi-get answered %d: %s", res.StatusCode, errorReason(resp))
	}
	docs := gjson.GetBytes(resp, "docs").Array()
	if len(docs) != len(cs) {
		return nil, fmt.Errorf("multi-get answered %d documents for %d", len(docs), len(cs))
	}
	out := make([]storedDoc, len(docs))
	for i, d := range docs {
		out[i] = storedDoc{found: d.Get("found").Bool(), msg: d.Get("_source.message").Str}
	}
	return out, nil
}

// rekey gives the item the id derived from its id and its whole message, in a Body of its own
// (the old one may lie in a batch's slab).
func rekey(c conflict) {
	sum := sha256.Sum256([]byte(c.id + "\x00" + c.msg))
	nl := bytes.IndexByte(c.it.Body, '\n')
	body := append([]byte(nil), `{"create":{"_index":`...)
	body = event.AppendString(body, gjson.GetBytes(c.it.Body[:nl], "*._index").Str)
	body = append(body, `,"_id":"`...)
	body = base64.RawURLEncoding.AppendEncode(body, sum[:16])
	body = append(body, `"}}`...)
	c.it.Body = append(body, c.it.Body[nl:]...)
	c.it.Rekeyed = true
}
