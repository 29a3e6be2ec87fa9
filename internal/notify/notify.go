// Package notify delivers notifications through one interface, Sender,
// whatever the channel: an SMTP adapter for email, and a log-only adapter
// for development. It also renders the templates (in the reader's
// language, from the i18n catalogs) and seals the outbox payload.
//
// What a notification may say is fixed here, not by its caller: a worker
// is only told that there is news and to open their page — never anything
// about the case, the employer or the grievance, since someone else may
// read the phone (shared/UX.md, "Safety"). Staff are told the case
// reference, the stage and how late it is, with no narrative and no names.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"time"

	"remedy/internal/vault"
)

// Message is one notification ready to deliver.
type Message struct {
	To       string // the address on the channel (an email address for email)
	Subject  string
	Body     string // plain text
	Language string // BCP 47 code of Subject and Body
}

// Sender delivers a message on one channel.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Channels. Only email has an adapter so far; the outbox keeps
// notifications for other channels (line, whatsapp, …) as "unsupported"
// until theirs exists.
const ChannelEmail = "email"

// Templates: what a notification says.
const (
	TemplateStatusChanged  = "status_changed"  // to the worker: there is news, open your page
	TemplateDeadlineMissed = "deadline_missed" // to staff: a case missed a time limit
)

// Stages named in a deadline_missed notification: the deadline kinds of
// grievance, and the acknowledgement of a referral.
const StageReferralAcknowledge = "referral_acknowledge"

// Payload is what an outbox row carries, sealed under its case's data key:
// where to send and in which language, and for staff notifications the
// few facts the message states. It holds no narrative and no names.
type Payload struct {
	To       string `json:"to"`
	Language string `json:"language"`
	// deadline_missed only.
	Reference  string    `json:"reference,omitempty"`
	Stage      string    `json:"stage,omitempty"`
	DeadlineAt time.Time `json:"deadline_at,omitzero"`
}

// PayloadAAD binds a sealed payload to its case: "case:<ref>:outbox".
func PayloadAAD(ref string) []byte { return []byte("case:" + ref + ":outbox") }

// SealPayload seals p under the case's data key, for enqueueing with a
// change in the same transaction.
func SealPayload(dek []byte, ref string, p Payload, rand io.Reader) ([]byte, error) {
	plain, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return vault.Seal(dek, plain, PayloadAAD(ref), rand)
}

// OpenPayload opens a payload sealed by SealPayload.
func OpenPayload(dek []byte, ref string, sealed []byte) (Payload, error) {
	var p Payload
	plain, err := vault.Open(dek, sealed, PayloadAAD(ref))
	if err != nil {
		return p, err
	}
	err = json.Unmarshal(plain, &p)
	return p, err
}

// Error is a failed delivery, described without personal data: a mail
// server's reply often repeats the address it refused, so only the step
// and the reply code are kept in the message; the full cause is kept for
// errors.Is/As but must not be logged.
type Error struct {
	Op        string // "dial", "tls", "hello", "auth", "mail", "rcpt", "data", "quit"
	Code      int    // the server's reply code, 0 if there was none
	Temporary bool   // worth trying again
	err       error
}

func (e *Error) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("smtp %s: reply %d", e.Op, e.Code)
	}
	return "smtp " + e.Op + " failed"
}

func (e *Error) Unwrap() error { return e.err }

// wrap turns err from step op into an *Error.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	e := &Error{Op: op, err: err, Temporary: true}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		e.Code = tp.Code
		// A recipient refused with a 5xx reply (no such mailbox) will be
		// refused again. Anything else may be a passing problem or a
		// setting an operator fixes (sender, credentials), so it is
		// tried again.
		e.Temporary = !(op == "rcpt" && tp.Code >= 500)
	}
	return e
}

// Describe returns a description of a delivery error that is safe to log
// and store: the step and reply code for an *Error, the kind of failure
// otherwise; never the server's text, which may hold the address.
func Describe(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return "network error"
	}
	return "delivery failed"
}
