package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"remedy/internal/i18n"
	"remedy/internal/notify"
	"remedy/internal/store"
	"remedy/internal/vault"
)

// Outbox delivers pending notifications. It leases a batch of due rows,
// opens each payload with its case's key to find the recipient and the
// language, renders the template and hands the message to the Sender for
// the row's channel. A delivered row is marked sent; a failed one is tried
// again after a growing delay and given up ("failed") after MaxAttempts. A
// channel without a sender is marked "unsupported" and kept, so that
// nothing is silently dropped. Logs and last_error name the row, the
// template and the kind of failure, never an address or content.
type Outbox struct {
	DB     *store.DB
	Keys   *vault.Keyring
	Bundle *i18n.Bundle
	// Senders by channel; only "email" exists so far.
	Senders map[string]notify.Sender
	Now     func() time.Time
	Logger  *slog.Logger
	// Owner names this worker in leases (default: random).
	Owner string
	// Interval between polls (default 5 s).
	Interval time.Duration
	// Batch is how many rows one poll leases at most (default 20).
	Batch int
	// Lease is how long a leased row is this worker's (default 5 min);
	// it must exceed the longest send.
	Lease time.Duration
	// MaxAttempts is how many tries a row gets (default 8).
	MaxAttempts int
	// Backoff is the delay after the n-th failed try (default 1 min × 2^(n-1), at most 6 h).
	Backoff func(n int) time.Duration
	// SendTimeout bounds one delivery (default 1 min).
	SendTimeout time.Duration
}

// OutboxStats counts what one pass did.
type OutboxStats struct {
	Sent, Retried, Failed, Unsupported int
}

func (o *Outbox) defaults() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Owner == "" {
		b := make([]byte, 8)
		rand.Read(b)
		o.Owner = "outbox-" + hex.EncodeToString(b)
	}
	if o.Interval <= 0 {
		o.Interval = 5 * time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 20
	}
	if o.Lease <= 0 {
		o.Lease = 5 * time.Minute
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.Backoff == nil {
		o.Backoff = DefaultBackoff
	}
	if o.SendTimeout <= 0 {
		o.SendTimeout = time.Minute
	}
}

// DefaultBackoff waits 1 min after the first failure, then doubles, up to 6 h.
func DefaultBackoff(n int) time.Duration {
	d := time.Minute
	for i := 1; i < n && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// Run polls until ctx ends; a message being sent when ctx ends is finished
// (or times out) first.
func (o *Outbox) Run(ctx context.Context) {
	o.defaults()
	loop(ctx, o.Interval, func() {
		if _, err := o.RunOnce(ctx); err != nil && ctx.Err() == nil {
			o.Logger.Error("outbox", "err", err)
		}
	})
}

// RunOnce delivers what is due now, up to Batch rows.
func (o *Outbox) RunOnce(ctx context.Context) (OutboxStats, error) {
	o.defaults()
	var st OutboxStats
	items, err := o.DB.ClaimOutbox(ctx, o.Owner, o.Now(), o.Lease, o.Batch)
	if err != nil {
		return st, err
	}
	for i, it := range items {
		if ctx.Err() != nil {
			// Not started: give the rest back at once rather than
			// leaving them leased until the lease runs out.
			for _, rest := range items[i:] {
				o.DB.ReleaseOutbox(context.WithoutCancel(ctx), rest.ID, o.Owner)
			}
			break
		}
		o.deliver(context.WithoutCancel(ctx), it, &st)
	}
	return st, nil
}

// permanent is a failure that another try cannot fix.
type permanent string

func (p permanent) Error() string { return string(p) }

func (o *Outbox) deliver(ctx context.Context, it store.OutboxItem, st *OutboxStats) {
	log := o.Logger.With("outbox", it.ID, "template", it.Template, "channel", it.Channel)
	sender, ok := o.Senders[it.Channel]
	if !ok {
		st.Unsupported++
		if _, err := o.DB.FinishOutbox(ctx, it.ID, o.Owner, store.OutboxUnsupported, false, "no adapter for this channel yet", o.Now()); err != nil {
			log.Error("outbox: record unsupported", "err", err)
			return
		}
		log.Warn("notification kept undelivered: no adapter for its channel yet")
		return
	}
	err := o.send(ctx, it, sender)
	attempt := it.Attempts + 1
	var perm permanent
	var ne *notify.Error
	switch {
	case err == nil:
		st.Sent++
		if held, err := o.DB.FinishOutbox(ctx, it.ID, o.Owner, store.OutboxSent, true, "", o.Now()); err != nil {
			log.Error("outbox: record sent", "err", err)
		} else if !held {
			log.Warn("outbox: sent after the lease ran out; another worker may send it again")
		} else {
			log.Info("notification sent", "attempt", attempt)
		}
		return
	case errors.As(err, &perm), errors.As(err, &ne) && !ne.Temporary, attempt >= o.MaxAttempts:
		st.Failed++
		reason := describe(err)
		if _, ferr := o.DB.FinishOutbox(ctx, it.ID, o.Owner, store.OutboxFailed, true, reason, o.Now()); ferr != nil {
			log.Error("outbox: record failure", "err", ferr)
		}
		log.Error("notification given up", "attempt", attempt, "reason", reason)
	default:
		st.Retried++
		reason := describe(err)
		next := o.Now().Add(o.Backoff(attempt))
		if _, rerr := o.DB.RetryOutbox(ctx, it.ID, o.Owner, next, reason); rerr != nil {
			log.Error("outbox: record retry", "err", rerr)
		}
		log.Warn("notification not sent; will retry", "attempt", attempt, "reason", reason, "retry_at", next)
	}
}

// describe is the text kept for a failure: safe to log and store.
func describe(err error) string {
	var perm permanent
	if errors.As(err, &perm) {
		return string(perm)
	}
	return notify.Describe(err)
}

func (o *Outbox) send(ctx context.Context, it store.OutboxItem, sender notify.Sender) error {
	if it.CaseRef == "" || len(it.SealedPayload) == 0 {
		return permanent("no case or no payload")
	}
	dek, err := o.Keys.UnwrapDataKey(it.WrappedKey)
	if err != nil {
		return permanent("case key unreadable")
	}
	p, err := notify.OpenPayload(dek, it.CaseRef, it.SealedPayload)
	if err != nil {
		return permanent("payload unreadable")
	}
	if p.To == "" {
		return permanent("no recipient")
	}
	m, err := notify.Render(o.Bundle, it.Template, p, o.Now())
	if err != nil {
		return permanent("unknown template or incomplete payload")
	}
	ctx, cancel := context.WithTimeout(ctx, o.SendTimeout)
	defer cancel()
	return sender.Send(ctx, m)
}
