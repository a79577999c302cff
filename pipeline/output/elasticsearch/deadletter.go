package elasticsearch

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/event/eventjson"
	"github.com/sluice-dev/sluice/pipeline/output/sender"
)

// deadLetter keeps documents Elasticsearch refused (mapping conflicts, parse errors, a document
// too large) with the status and reason: in the runtime's dead letter and, when configured, in a
// dead-letter index. A document is finished Delivered once one of them holds it, and Rejected
// (never silently dropped) if neither could.
func (o *Output) deadLetter(items []*sender.Item, status []int, reason []string) {
	kept := make([]bool, len(items))
	evs := make([]*event.Event, len(items))
	for i, it := range items {
		evs[i] = deadLetterEvent(it)
		index := gjson.GetBytes(it.Body[:bytes.IndexByte(it.Body, '\n')], "*._index").Str
		msg := fmt.Sprintf("elasticsearch: status %d: %s (index %s)", status[i], reason[i], index)
		reason[i] = msg
		if o.dl == nil {
			continue
		}
		if err := o.dl.Write(o.snd.StopContext(), evs[i], o.id, msg); err != nil {
			o.log.Error("elasticsearch: dead letter write failed", "err", err, "reason", msg)
			continue
		}
		kept[i] = true
	}
	if o.cfg.DeadLetterIndex != "" {
		o.indexDeadLetters(items, evs, status, reason, kept)
	}
	for i, it := range items {
		o.m.deadLettered.Inc()
		if kept[i] {
			it.Finish(event.Delivered)
			continue
		}
		o.log.Error("elasticsearch: document rejected and not dead-lettered", "reason", reason[i])
		it.Finish(event.Rejected)
	}
}

// indexDeadLetters writes one document per refused event into DeadLetterIndex: the reason, the
// status, the target index and the original document as text (so a mapping conflict cannot
// refuse it again). One attempt: the runtime's dead letter is the durable copy.
func (o *Output) indexDeadLetters(items []*sender.Item, evs []*event.Event, status []int, reason []string, kept []bool) {
	var buf []byte
	now := o.clock.Now().UTC()
	for i, it := range items {
		nl := bytes.IndexByte(it.Body, '\n')
		buf = append(buf, `{"create":{"_index":`...)
		buf = event.AppendString(buf, o.cfg.DeadLetterIndex)
		buf = append(buf, "}}\n"...)
		buf = append(buf, `{"@timestamp":"`...)
		buf = now.AppendFormat(buf, event.TimeLayout)
		buf = append(buf, `","message":`...)
		buf = event.AppendString(buf, evs[i].Message())
		buf = append(buf, `,"error":{"message":`...)
		buf = event.AppendString(buf, reason[i])
		buf = append(buf, `,"code":`...)
		buf = strconv.AppendInt(buf, int64(status[i]), 10)
		buf = append(buf, `},"event":{"original":`...)
		buf = event.AppendString(buf, string(it.Body[nl+1:len(it.Body)-1]))
		buf = append(buf, `},"sluice":{"component":`...)
		buf = event.AppendString(buf, o.id)
		buf = append(buf, `,"index":`...)
		buf = event.AppendString(buf, gjson.GetBytes(it.Body[:nl], "*._index").Str)
		buf = append(buf, "}}\n"...)
	}
	req, err := http.NewRequestWithContext(o.snd.StopContext(), http.MethodPost, bulkPath, bytes.NewReader(buf))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	res, err := o.perform(req)
	if err != nil {
		o.log.Error("elasticsearch: dead_letter_index write failed", "err", err)
		return
	}
	defer res.Body.Close()
	var resp bytes.Buffer
	_, _ = resp.ReadFrom(res.Body)
	if res.StatusCode >= 300 {
		o.log.Error("elasticsearch: dead_letter_index write failed", "status", res.StatusCode, "reason", errorReason(resp.Bytes()))
		return
	}
	i := 0
	gjson.GetBytes(resp.Bytes(), "items").ForEach(func(_, r gjson.Result) bool {
		if i < len(kept) {
			st := r.Get("*.status").Int()
			kept[i] = kept[i] || (st >= 200 && st < 300)
		}
		i++
		return true
	})
}

// deadLetterEvent rebuilds an item's event from its document, for the dead letter: Deliver was
// done with the event once it encoded it (Event.DoneReading), and its fields may be gone. The
// rebuilt event has every field the document has, and the original's Meta (source and offset,
// for the same document id on replay). Its strings are copies: the slab under the Body is
// reused once the item is finished.
func deadLetterEvent(it *sender.Item) *event.Event {
	ev := event.New()
	ev.Meta = it.Event.Meta
	doc := it.Body[bytes.IndexByte(it.Body, '\n')+1:]
	eventjson.Unflatten(ev, gjson.ParseBytes(doc))
	return ev
}
