package cache

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// LocalChange is a resource this console created (a message, a receipt, a
// handover note), tracked by the outbox uuid that sends it so the console
// can tell its sync state: pending, failed or conflict while the outbox
// holds the entry, sent once the central has confirmed it.
type LocalChange struct {
	UUID         string
	ResourceType string
	LocalID      string // the row's id here before the central answers
	PatientID    string
	Created      time.Time
}

// TrackLocal records a local create in this transaction (with its outbox
// entry).
func (tx *Tx) TrackLocal(c LocalChange) error {
	if c.UUID == "" || c.ResourceType == "" || c.LocalID == "" || c.Created.IsZero() {
		return fmt.Errorf("track local change: uuid, type, local id and time are required")
	}
	if _, err := tx.exec(`INSERT INTO local_changes (uuid, resource_type, local_id, patient_id, created) VALUES (?, ?, ?, ?, ?)`,
		c.UUID, c.ResourceType, c.LocalID, c.PatientID, c.Created.UnixMilli()); err != nil {
		return fmt.Errorf("track local change %s: %w", c.UUID, err)
	}
	return nil
}

// ConfirmLocal records that the central accepted the create sent by outbox
// entry uuid under serverID, and removes the local placeholder row when the
// server's id differs (the server's row replaces it). An entry that
// created nothing tracked is ignored.
func (tx *Tx) ConfirmLocal(uuid, serverID string) error {
	var typ, local string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT resource_type, local_id FROM local_changes WHERE uuid = ?`, uuid).Scan(&typ, &local)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return fmt.Errorf("confirm local change %s: %w", uuid, err)
	}
	if _, err := tx.exec(`UPDATE local_changes SET server_id = ? WHERE uuid = ?`, serverID, uuid); err != nil {
		return fmt.Errorf("confirm local change %s: %w", uuid, err)
	}
	if serverID == "" || serverID == local {
		return nil
	}
	for _, table := range []string{"communications", "notes"} {
		if _, err := tx.exec(`DELETE FROM `+table+` WHERE id = ? AND last_updated = 0`, local); err != nil {
			return fmt.Errorf("confirm local change %s: drop placeholder: %w", uuid, err)
		}
	}
	return nil
}

// localStates returns, for rows of resourceType of one patient, the sync
// state of the local changes that concern them: by row id (the local id
// before the central answered, the server's id after). A tracked create
// whose outbox entry is gone is sent, or failed when the nurse discarded
// it. Pending edits of a row (e.g. a read-state PATCH) count too.
func localStates(ctx context.Context, tx *sql.Tx, resourceType, patientID string) (map[string]domain.SyncState, error) {
	out := map[string]domain.SyncState{}
	err := eachRow(ctx, tx, `SELECT l.local_id, l.server_id, coalesce(o.state, ''),
	EXISTS (SELECT 1 FROM outbox_results r WHERE r.uuid = l.uuid AND r.outcome = ?)
FROM local_changes l LEFT JOIN outbox o ON o.uuid = l.uuid
WHERE l.resource_type = ? AND l.patient_id = ?`, []any{ResultDiscarded, resourceType, patientID}, func(sc scanner) error {
		var local, server, state string
		var discarded bool
		if err := sc.Scan(&local, &server, &state, &discarded); err != nil {
			return err
		}
		s := outboxSyncState(state)
		if state == "" {
			s = domain.SyncSent
			if discarded {
				s = domain.SyncFailed
			}
		}
		out[local] = s
		if server != "" {
			out[server] = s
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Edits of existing rows (no create): the oldest unfinished one decides.
	err = eachRow(ctx, tx, `SELECT resource_id, state FROM outbox WHERE resource_type = ? AND resource_id <> ''
ORDER BY seq DESC`, []any{resourceType}, func(sc scanner) error {
		var id, state string
		if err := sc.Scan(&id, &state); err != nil {
			return err
		}
		out[id] = outboxSyncState(state)
		return nil
	})
	return out, err
}

func outboxSyncState(state string) domain.SyncState {
	switch state {
	case OutboxPending:
		return domain.SyncPending
	case OutboxConflict:
		return domain.SyncConflict
	case OutboxFailed:
		return domain.SyncFailed
	}
	return domain.SyncNone
}

// fillMessageSync sets Message.Sync from the outbox and the local changes.
func fillMessageSync(ctx context.Context, tx *sql.Tx, patientID string, msgs []domain.Message) error {
	states, err := localStates(ctx, tx, "Communication", patientID)
	if err != nil {
		return fmt.Errorf("message sync state: %w", err)
	}
	for i := range msgs {
		msgs[i].Sync = states[msgs[i].ID]
	}
	return nil
}

// PutNote stores a handover note (from the central, or made here with no
// server version yet).
func (tx *Tx) PutNote(n domain.Note, m Meta) error {
	id, err := resolveID("note", n.ID, m.ID)
	if err != nil {
		return fmt.Errorf("put note: %w", err)
	}
	if n.PatientID == "" || n.Created.IsZero() {
		return fmt.Errorf("put note %s: patient id and time created are required", id)
	}
	const q = `INSERT INTO notes (id, version_id, last_updated, patient_id, author, text, important, remind, created)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated,
	patient_id = excluded.patient_id, author = excluded.author, text = excluded.text,
	important = excluded.important, remind = excluded.remind, created = excluded.created
WHERE `
	if _, err := tx.exec(q+newer("notes"), id, m.VersionID, msOrZero(m.LastUpdated), n.PatientID, n.Author, n.Text,
		b2i(n.Important), ms(n.Remind), n.Created.UnixMilli()); err != nil {
		return fmt.Errorf("put note %s: %w", id, err)
	}
	return nil
}

// patientNotes returns a patient's handover notes, oldest first, with
// their sync state.
func patientNotes(ctx context.Context, tx *sql.Tx, patientID string) ([]domain.Note, error) {
	var out []domain.Note
	err := eachRow(ctx, tx, `SELECT `+noteCols+` FROM notes
WHERE patient_id = ? ORDER BY created, id`, []any{patientID}, func(sc scanner) error {
		n, err := scanNote(sc)
		if err != nil {
			return err
		}
		out = append(out, n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	states, err := localStates(ctx, tx, "Communication", patientID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Sync = states[out[i].ID]
	}
	return out, nil
}

// flaggedNotes returns, per patient, the notes that may flag a worklist
// row: important ones and those with a reminder (the console decides with
// domain.NoteFlagged whether a reminder is due at its now).
func flaggedNotes(ctx context.Context, tx *sql.Tx) (map[string][]domain.Note, error) {
	out := map[string][]domain.Note{}
	err := eachRow(ctx, tx, `SELECT `+noteCols+` FROM notes
WHERE important = 1 OR remind IS NOT NULL ORDER BY created, id`, nil, func(sc scanner) error {
		n, err := scanNote(sc)
		if err != nil {
			return err
		}
		out[n.PatientID] = append(out[n.PatientID], n)
		return nil
	})
	return out, err
}

// noteCols are the columns scanNote reads, in its order.
const noteCols = `id, patient_id, author, text, important, remind, created`

// scanNote reads one notes row selected with noteCols.
func scanNote(sc scanner) (domain.Note, error) {
	var n domain.Note
	var important int
	var remind sql.NullInt64
	var created int64
	if err := sc.Scan(&n.ID, &n.PatientID, &n.Author, &n.Text, &important, &remind, &created); err != nil {
		return n, err
	}
	n.Important, n.Remind, n.Created = important == 1, fromMs(remind), time.UnixMilli(created).UTC()
	return n, nil
}
