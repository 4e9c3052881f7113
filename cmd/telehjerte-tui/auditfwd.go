package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
)

// The console's audit log belongs to the department, not the workstation:
// every entry of the cache's audit log (each look-up and
// action) is also sent to the central as an AuditEvent, after each sync
// round. The cache remembers the last entry sent (info
// audit.forwarded_seq), so entries made offline go at the next round; each
// entry's id is derived from the cache's own id and the entry's place in
// the log, and the AuditEvent is created on the condition that no
// AuditEvent has that identifier, so an entry sent again (an answer lost,
// the process killed) is created once.

const (
	infoAuditCacheID   = "audit.cache_id"
	infoAuditForwarded = "audit.forwarded_seq"
	auditBatch         = 200
)

// auditForwarder sends the cache's audit log to the central.
type auditForwarder struct {
	store       *cache.Store
	client      *client.Client
	workstation string
	log         *slog.Logger
}

func newAuditForwarder(store *cache.Store, cl *client.Client, log *slog.Logger) *auditForwarder {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown workstation"
	}
	return &auditForwarder{store: store, client: cl, workstation: host, log: log}
}

// forward sends every entry not sent yet, oldest first, and returns how
// many it sent. It stops at the first entry that could not be sent now
// (the next round tries again); an entry the central refuses for good is
// skipped and counted in the log (without its content).
func (f *auditForwarder) forward(ctx context.Context) (int, error) {
	info, err := f.store.Info(ctx)
	if err != nil {
		return 0, err
	}
	ns, err := uuid.Parse(info[infoAuditCacheID])
	if err != nil {
		ns = uuid.New()
		if err := f.store.Write(ctx, func(tx *cache.Tx) error { return tx.SetInfo(infoAuditCacheID, ns.String()) }); err != nil {
			return 0, err
		}
	}
	seq, _ := strconv.ParseInt(info[infoAuditForwarded], 10, 64)
	sent := 0
	for {
		recs, err := f.store.AuditAfter(ctx, seq, auditBatch)
		if err != nil || len(recs) == 0 {
			return sent, err
		}
		for _, r := range recs {
			id := uuid.NewSHA1(ns, []byte(strconv.FormatInt(r.Seq, 10))).String()
			body, err := fhir.Encode(fhir.ConsoleAuditEvent(r.AuditEntry, id, f.workstation))
			if err != nil {
				return sent, err
			}
			_, err = f.client.Create(ctx, "AuditEvent", body, fhir.ClientIdentifierCondition(id))
			if errors.Is(err, client.ErrBadRequest) {
				// A server that cannot search AuditEvents by identifier
				// refuses the condition: the entry is sent plainly (a
				// lost answer then may duplicate it, never lose it).
				_, err = f.client.Create(ctx, "AuditEvent", body, "")
			}
			var ce *client.Error
			switch {
			case err == nil:
				sent++
			case errors.As(err, &ce) && !ce.Retryable && (errors.Is(err, client.ErrForbidden) || errors.Is(err, client.ErrBadRequest)):
				f.log.Warn("audit entry refused by the central", "seq", r.Seq, "status", ce.Status)
			default:
				return sent, fmt.Errorf("send audit entry %d: %w", r.Seq, err)
			}
			seq = r.Seq
			if err := f.store.Write(ctx, func(tx *cache.Tx) error { return tx.SetInfo(infoAuditForwarded, strconv.FormatInt(seq, 10)) }); err != nil {
				return sent, err
			}
		}
	}
}
