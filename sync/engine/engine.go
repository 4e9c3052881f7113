// Package engine keeps the console's cache in step with the central FHIR
// server: it pushes the outbox (oldest first; conditional creates and
// If-Match writes, so nothing is duplicated or silently overwritten) and
// pulls each resource type incrementally by a watermark, one transaction
// per page. The central being unreachable is a state (offline), not an
// error that stops the console.
package engine

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"time"

	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
)

// DefaultTypes is the pull order: referenced resources before those that
// refer to them (the cache's foreign keys want patients and teams first),
// ServiceRequests before CarePlans, ClinicalImpressions (the triage a
// FUT-shaped Task focuses on) before Tasks, Questionnaire definitions
// (optional, see optionalTypes) before the answers, which are completed
// from them.
var DefaultTypes = []string{"Organization", "CareTeam", "Practitioner", "Patient", "EpisodeOfCare",
	"ServiceRequest", "CarePlan", "Observation", "Questionnaire", "QuestionnaireResponse", "ClinicalImpression", "Task",
	"Communication"}

// optionalTypes are types a server need not serve: a search it answers
// with 404 (no such type), 400 (not supported) or 403 is no failure of
// the round; the console goes on without them (the regime form then
// offers only the answers patients have given).
var optionalTypes = map[string]bool{"Questionnaire": true}

// Defaults for Options.
const (
	DefaultInterval = 15 * time.Second
	// DefaultBurstInterval is Run's pause after a round that left
	// arriving resources to the next (Report.More).
	DefaultBurstInterval = time.Second
	DefaultPageSize      = 200
	DefaultMaxPage       = 1000
	DefaultMaxPages      = 10000
	DefaultBackoffMin    = 2 * time.Second
	DefaultBackoffMax    = 10 * time.Minute
	// DefaultReconcileEvery and DefaultReconcileRounds bound the time and
	// the rounds between two full comparisons of the patients the server
	// lets us see with the cache (reconcile.go).
	DefaultReconcileEvery  = 2 * time.Minute
	DefaultReconcileRounds = 8
	// DefaultFetches is as many searches as the client keeps connections
	// to the server (client.DefaultConns).
	DefaultFetches = client.DefaultConns
	// DefaultSettle is how long a type's watermark must have stood, read
	// again with nothing new, before rounds search past it (settle.go).
	DefaultSettle = 5 * time.Second
)

// Options configures an Engine. Zero values take the defaults.
type Options struct {
	// Interval between rounds in Run (DefaultInterval).
	Interval time.Duration
	// BurstInterval between rounds in Run after a round that left
	// resources still arriving to the next one (DefaultBurstInterval; never
	// more than Interval): the screen shows a burst as it comes, a round
	// at a time.
	BurstInterval time.Duration
	// Clock is the time source for watermarks' bookkeeping, outbox
	// backoff and status (time.Now).
	Clock func() time.Time
	// Logger gets one line per round and per problem; never resource
	// content or personal data (slog.Default when nil).
	Logger *slog.Logger
	// Types to pull, in order (DefaultTypes).
	Types []string
	// PageSize is the _count asked for (DefaultPageSize); MaxPageSize is
	// how far it may be raised when a page without a next link is all one
	// lastUpdated (DefaultMaxPage).
	PageSize, MaxPageSize int
	// MaxPagesPerType bounds one type's pull in one round (DefaultMaxPages);
	// the rest follows next round from the saved watermark.
	MaxPagesPerType int
	// Overlap re-reads this much before the watermark, for servers whose
	// lastUpdated order may differ from their commit order (0).
	Overlap time.Duration
	// BackoffMin and BackoffMax bound the outbox retry delay.
	BackoffMin, BackoffMax time.Duration
	// Rand returns a float in [0,1) for jitter (math/rand/v2.Float64).
	Rand func() float64
	// NoReconcile skips the comparison of the patients the server lets us
	// see with those in the cache (see reconcile.go). It is also skipped
	// when Types has no Patient.
	NoReconcile bool
	// Fetches is how many of a round's searches may be in flight at once
	// (DefaultFetches); 1 asks for one type after the other.
	Fetches int
	// ReconcileEvery and ReconcileRounds are the longest time (by Clock)
	// and the most rounds between two full comparisons of the patients the
	// server lets us see with the cache (DefaultReconcileEvery,
	// DefaultReconcileRounds); rounds in between compare only after a
	// change that can move visibility (reconcile.go).
	ReconcileEvery  time.Duration
	ReconcileRounds int
	// Settle is how long after a search from a type's watermark that
	// brought nothing new another one from the same watermark must also
	// bring nothing new before the rounds search with _lastUpdated=gt the
	// watermark instead of ge (DefaultSettle; see settle.go). Negative:
	// always ge. With Overlap the rounds always search with ge.
	Settle time.Duration
}

// Engine syncs one cache with one server. Its methods are safe for
// concurrent use; Once and Run serialise rounds.
type Engine struct {
	store  *cache.Store
	client *client.Client
	opts   Options
	log    *slog.Logger

	round   sync.Mutex // one round at a time
	trigger chan struct{}
	vis     visibility          // guarded by round
	settle  map[string]settling // by type; guarded by round
	// partial: the round's pull began with the watermark of a type of a
	// patient's records set, so a patient it stores for the first time may
	// lack her earlier records (reconcile.go). Guarded by round.
	partial bool
	// unfinished: a cached patient may still lack her earlier records
	// (sync_incomplete): true until a round has read none, and again
	// whenever the pull marks one. Guarded by round.
	unfinished bool
	waited     time.Duration // Report.PageWait of the round; guarded by round

	mu     sync.Mutex
	status Status
}

// Status is a snapshot for the UI.
type Status struct {
	// State is the state of the connection on the last round: online only
	// after a round that completed; a refused token, an untrusted
	// certificate, a failing server and an unreachable one each have their
	// own (StateUnknown before the first round ends).
	State State
	// Online is true after a round that completed, false after one that
	// could not (and before the first round). Same as State == StateOnline.
	Online bool
	// Syncing is true while a round runs.
	Syncing bool
	// FirstSync is true while a round runs on a cache that has never
	// completed one; Resources and Patients then count what it has stored
	// so far (the console shows the progress instead of an empty list).
	FirstSync bool
	// Resources and Patients stored so far by the running first sync.
	Resources, Patients int
	// LastSync is when the last fully successful round ended, also in an
	// earlier run of the program (kept in the cache; see Restore).
	LastSync time.Time
	// LastAttempt is when the last round ended.
	LastAttempt time.Time
	// Pending, Conflicts and Failed count the outbox by state; Parked
	// counts pulled resources that could not be stored yet.
	Pending, Conflicts, Failed, Parked int
	// LastError is the last round's error, "" after a clean round.
	LastError string
	// Problem is a log-safe label of the last round's error (ErrorKind),
	// "" after a clean round; it never holds text from the server.
	Problem string
	// Detail says briefly why the last round failed, for the status bar:
	// the HTTP status, or the certificate problem, or the network failure;
	// never the server's text or personal data. "" after a clean round.
	Detail string
}

// State is the state of the connection to the central.
type State string

// The connection states, as Classify finds them.
const (
	StateUnknown      State = ""              // no round has ended yet
	StateOnline       State = "online"        // the last round completed
	StateOffline      State = "offline"       // the central could not be reached (network, timeout)
	StateRefused      State = "refused"       // the token was refused or has expired (401), or access refused (403)
	StateLoginExpired State = "login-expired" // the OAuth login cannot give a token any more (refresh refused or expired): log in again
	StateServerError  State = "server-error"  // the central answered with an error or an unusable answer
	StateCertificate  State = "certificate"   // TLS: the central's certificate is not trusted, expired or for another name
	StateLocalError   State = "local-error"   // the round failed on this side (the cache), not at the central
	StateBusy         State = "busy"          // another process was syncing this cache; this round waited for the next
)

// Classify tells the connection state a round's error means (nil: online).
// A certificate problem is told apart from the network failure it is
// wrapped in, and a refused token from the server errors.
func Classify(err error) State {
	var (
		unknownCA  x509.UnknownAuthorityError
		invalid    x509.CertificateInvalidError
		hostname   x509.HostnameError
		verifyErr  *tls.CertificateVerificationError
		recordErr  tls.RecordHeaderError
		clientErr  *client.Error
		certErrors = errors.As(err, &unknownCA) || errors.As(err, &invalid) || errors.As(err, &hostname) ||
			errors.As(err, &verifyErr)
	)
	switch {
	case err == nil:
		return StateOnline
	case certErrors:
		return StateCertificate
	case errors.As(err, &recordErr):
		// Plain HTTP answered a TLS handshake (or the other way round).
		return StateCertificate
	case errors.Is(err, client.ErrLoginExpired):
		return StateLoginExpired
	case errors.Is(err, client.ErrUnauthorized), errors.Is(err, client.ErrForbidden):
		return StateRefused
	case client.IsRetryable(err) && client.StatusOf(err) == 0 && !errors.Is(err, client.ErrMalformed):
		return StateOffline
	case errors.As(err, &clientErr):
		return StateServerError
	}
	return StateLocalError
}

// Report is what one round did.
type Report struct {
	Pushed    int            // outbox entries the server confirmed
	Resolved  int            // entries resolved without sending (e.g. already acknowledged)
	Conflicts int            // entries newly marked conflict
	Failed    int            // entries newly marked failed
	Retrying  int            // entries waiting for a retry after this round
	Pulled    map[string]int // resources applied per type
	Known     int            // resources skipped as already in the cache
	Parked    int            // resources parked this round
	Pages     int            // search pages fetched by the incremental pulls
	Appeared  int            // patients newly visible, pulled with their records
	Removed   int            // patients no longer visible, purged from the cache
	// More: a type's resources kept arriving while the round read them
	// (a burst), and the round left the rest to the next one, which Run
	// starts after BurstInterval.
	More bool
	// PageWait is how long the round waited for search pages: fetching a
	// page, or a page fetched ahead (while the one before was stored) that
	// had not arrived yet.
	PageWait time.Duration
}

// New returns an Engine for store and client.
func New(store *cache.Store, c *client.Client, opts Options) *Engine {
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if len(opts.Types) == 0 {
		opts.Types = DefaultTypes
	}
	if opts.BurstInterval <= 0 {
		opts.BurstInterval = DefaultBurstInterval
	}
	opts.BurstInterval = min(opts.BurstInterval, opts.Interval)
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	if opts.MaxPageSize < opts.PageSize {
		opts.MaxPageSize = max(DefaultMaxPage, opts.PageSize)
	}
	if opts.MaxPagesPerType <= 0 {
		opts.MaxPagesPerType = DefaultMaxPages
	}
	if opts.BackoffMin <= 0 {
		opts.BackoffMin = DefaultBackoffMin
	}
	if opts.BackoffMax < opts.BackoffMin {
		opts.BackoffMax = max(DefaultBackoffMax, opts.BackoffMin)
	}
	if opts.Rand == nil {
		opts.Rand = rand.Float64
	}
	if opts.ReconcileEvery <= 0 {
		opts.ReconcileEvery = DefaultReconcileEvery
	}
	if opts.Fetches <= 0 {
		opts.Fetches = DefaultFetches
	}
	if opts.Settle == 0 {
		opts.Settle = DefaultSettle
	}
	if opts.ReconcileRounds <= 0 {
		opts.ReconcileRounds = DefaultReconcileRounds
	}
	return &Engine{store: store, client: c, opts: opts, log: opts.Logger.With("component", "sync"),
		trigger: make(chan struct{}, 1), settle: map[string]settling{}, unfinished: true}
}

// Restore reads what the cache remembers of earlier runs into the status:
// when the last complete sync was, and the outbox counts, so the console
// shows the age of its data from the start, also with the central down.
// The state stays StateUnknown until a round ends.
func (e *Engine) Restore(ctx context.Context) error {
	at, err := e.store.LastSync(ctx)
	if err != nil {
		return fmt.Errorf("sync status: %w", err)
	}
	counts, err := e.store.OutboxCounts(ctx)
	if err != nil {
		return fmt.Errorf("sync status: %w", err)
	}
	e.setStatus(func(s *Status) {
		if s.LastSync.IsZero() {
			s.LastSync = at
		}
		s.Pending, s.Conflicts, s.Failed = counts.Pending, counts.Conflict, counts.Failed
	})
	return nil
}

// Interval is the time between Run's rounds.
func (e *Engine) Interval() time.Duration { return e.opts.Interval }

// Status returns the current snapshot.
func (e *Engine) Status() Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.status
}

func (e *Engine) setStatus(f func(*Status)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f(&e.status)
}

// Trigger asks Run for a round now (e.g. after the nurse acted). It never
// blocks; triggers while a round is due are merged.
func (e *Engine) Trigger() {
	select {
	case e.trigger <- struct{}{}:
	default:
	}
}

// Run does a round after firstIn (0: at once), then every Interval and on
// Trigger, until ctx ends; it returns ctx's error. Failed rounds (central
// unreachable, refused) are logged by kind and retried next time. onRound,
// if not nil, gets every finished round's report from Run's goroutine (the
// console redraws its status bar and reloads what changed); a round cut
// short by ctx is not reported.
func (e *Engine) Run(ctx context.Context, firstIn time.Duration, onRound func(Report, error)) error {
	t := time.NewTimer(firstIn)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		case <-e.trigger:
		}
		rep, err := e.Once(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			e.log.Warn("sync round failed", "error_kind", ErrorKind(err))
		}
		if onRound != nil {
			onRound(rep, err)
		}
		if !t.Stop() {
			select {
			case <-t.C:
			default:
			}
		}
		next := e.opts.Interval
		if err == nil && rep.More {
			next = e.opts.BurstInterval // the rest of a burst
		}
		t.Reset(next)
	}
}

// Once runs one full round: push the outbox, then pull every type, then
// reconcile which patients are visible (reconcile.go), then retry parked
// resources. Errors of single entries (conflicts, refusals)
// are recorded in the outbox, not returned; the error is for a round that
// could not finish (server unreachable, database failure).
func (e *Engine) Once(ctx context.Context) (Report, error) { return e.once(ctx, false) }

// OnceNow is Once for a one-shot run (`sync --once`): every pending outbox
// entry is tried now, also one whose retry backoff has not yet passed (the
// backoff paces a loop; a one-shot run has no later round to wait for).
func (e *Engine) OnceNow(ctx context.Context) (Report, error) { return e.once(ctx, true) }

func (e *Engine) once(ctx context.Context, tryAll bool) (Report, error) {
	e.round.Lock()
	defer e.round.Unlock()
	// One process at a time pushes this cache's outbox: two pushing the
	// same entries would race on their outcome (an assessment resolved by
	// one while the other sends it). The other process's round is not
	// this one's failure: the connection state stays as it was.
	unlock, err := e.store.LockSync()
	if err != nil {
		// That process's rounds keep the cache's data fresh: their last
		// complete sync is this cache's too.
		last, lerr := e.store.LastSync(ctx)
		e.setStatus(func(s *Status) {
			s.State, s.Online = StateBusy, false
			s.LastError, s.Problem, s.Detail = err.Error(), ErrorKind(err), "another process is syncing this cache"
			if lerr == nil && last.After(s.LastSync) {
				s.LastSync = last
			}
		})
		e.log.Info("sync round skipped", "error_kind", ErrorKind(err))
		return Report{Pulled: map[string]int{}}, fmt.Errorf("sync: %w", err)
	}
	defer unlock()
	first := false
	e.setStatus(func(s *Status) {
		s.Syncing = true
		first = s.LastSync.IsZero()
		s.FirstSync, s.Resources, s.Patients = first, 0, 0
	})
	if first {
		// Maybe synced in an earlier run: the cache knows.
		if at, err := e.store.LastSync(ctx); err == nil && !at.IsZero() {
			e.setStatus(func(s *Status) { s.LastSync, s.FirstSync = at, false })
		}
	}
	rep := Report{Pulled: map[string]int{}}
	e.waited = 0
	err = e.store.PrepareSync(ctx)
	if err == nil {
		err = e.push(ctx, &rep, tryAll)
	}
	if err == nil || !isOffline(err) {
		// A refused push (not a network failure) does not stop the pull.
		perr := e.pullAll(ctx, &rep)
		if perr == nil {
			// Only after a complete pull: visibility changes the
			// watermarks cannot see (a cover starting or ending, a
			// transfer).
			perr = e.reconcile(ctx, &rep)
		}
		err = errors.Join(err, perr)
	}
	if err == nil {
		if n, rerr := e.store.RetryParked(ctx); rerr != nil {
			err = rerr
		} else if n > 0 {
			rep.Pulled["(parked)"] += n
		}
	}
	if err == nil {
		err = e.refreshEdge(ctx)
	}
	rep.PageWait = e.waited
	now := e.opts.Clock()
	counts, cerr := e.store.OutboxCounts(ctx)
	parked, perr := e.store.ParkedCount(ctx)
	e.setStatus(func(s *Status) {
		s.Syncing = false
		s.LastAttempt = now
		if cerr == nil {
			s.Pending, s.Conflicts, s.Failed = counts.Pending, counts.Conflict, counts.Failed
		}
		if perr == nil {
			s.Parked = parked
		}
		s.FirstSync = false
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			// Stopped, not failed: the connection state stays as it was.
			return
		}
		s.State = Classify(err)
		s.Online = s.State == StateOnline
		s.LastError, s.Problem, s.Detail = "", "", ""
		if err != nil {
			s.LastError, s.Problem, s.Detail = err.Error(), ErrorKind(err), detail(s.State, err)
		} else {
			s.LastSync = now
		}
	})
	if err == nil {
		if serr := e.store.SetLastSync(ctx, now); serr != nil {
			// The round itself is done; only the age shown after a restart
			// suffers.
			e.log.Warn("record last sync", "error_kind", ErrorKind(serr))
		}
	}
	e.log.Info("sync round", "pushed", rep.Pushed, "resolved", rep.Resolved, "conflicts", rep.Conflicts,
		"failed", rep.Failed, "retrying", rep.Retrying, "pulled", sum(rep.Pulled), "known", rep.Known,
		"parked", rep.Parked, "pages", rep.Pages, "appeared", rep.Appeared, "removed", rep.Removed, "ok", err == nil)
	if err != nil {
		return rep, fmt.Errorf("sync: %w", err)
	}
	return rep, nil
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// detail is Status.Detail for a failed round in state st.
func detail(st State, err error) string {
	var (
		unknownCA x509.UnknownAuthorityError
		invalid   x509.CertificateInvalidError
		hostname  x509.HostnameError
		netErr    net.Error
	)
	switch {
	case st == StateCertificate && errors.As(err, &invalid):
		if invalid.Reason == x509.Expired {
			return "certificate expired or not yet valid"
		}
		return "certificate not valid"
	case st == StateCertificate && errors.As(err, &hostname):
		return "certificate is for another host name"
	case st == StateCertificate && errors.As(err, &unknownCA):
		return "certificate signed by an unknown authority"
	case st == StateCertificate:
		return "TLS certificate problem"
	case client.StatusOf(err) != 0:
		return fmt.Sprintf("HTTP %d", client.StatusOf(err))
	case errors.Is(err, client.ErrMalformed):
		return "unusable answer"
	case errors.Is(err, client.ErrTooLarge):
		return "answer too large"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case st == StateOffline:
		return "no connection"
	case st == StateLocalError:
		return "local cache: " + ErrorKind(err)
	}
	return ErrorKind(err)
}

// isOffline reports an error that means the server could not be reached or
// did not answer properly (retryable).
func isOffline(err error) bool { return client.IsRetryable(err) }

// ErrorKind is a log-safe label for an error: no text from the server or
// the data, only its class and status.
func ErrorKind(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "cancelled"
	case errors.Is(err, cache.ErrSyncBusy):
		return "busy"
	case errors.Is(err, client.ErrLoginExpired):
		return "login-expired"
	case errors.Is(err, client.ErrUnauthorized):
		return "unauthorized"
	case errors.Is(err, client.ErrForbidden):
		return "forbidden"
	case errors.Is(err, client.ErrConflict):
		return "conflict"
	case errors.Is(err, client.ErrTooLarge):
		return "too-large"
	case errors.Is(err, client.ErrMalformed):
		return "malformed-response"
	case client.IsRetryable(err):
		if s := client.StatusOf(err); s != 0 {
			return fmt.Sprintf("http-%d", s)
		}
		return "unreachable"
	case client.StatusOf(err) != 0:
		return fmt.Sprintf("http-%d", client.StatusOf(err))
	}
	return "internal"
}
