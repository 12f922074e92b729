// Package model holds gridcmd's domain: the five-level grid tower, the rosters,
// incidents and the pure rules that move them. It imports the standard library
// only; the store, the console and the command line all speak through it.
package model

import (
	"errors"
	"fmt"
)

// Error codes, in the manner of benbjohnson/wtf. The operator sees the message;
// the code decides the exit status and, later, the HTTP status.
const (
	ECONFLICT  = "conflict"  // refused by the rules in the current state
	EFORBIDDEN = "forbidden" // the actor's role or place does not allow it
	EINTERNAL  = "internal"  // a bug or an I/O failure
	EINVALID   = "invalid"   // bad input
	ENOTFOUND  = "not_found" // no such incident, node or person
	EUNAVAIL   = "unavailable"
)

// Error is a domain error: a code for programs and a message for people.
// A refusal an officer can meet at the console also says it in Chinese
// (MessageZh); the console in zh shows that one. A refusal of one input
// names it in Field ("title", "note", "scope"), so a form can show the
// reason at the field and the field API can name it in its answer.
type Error struct {
	Code      string
	Message   string
	MessageZh string
	Field     string
	// Item is the item of a batch the refusal is about, counted from 1
	// (AddShifts: the shift refused), so a caller can name it as its
	// input does (a file's line); 0 when it is about no one item. Other
	// is another item of the same batch it names (the earlier shift an
	// overlap is with, named in the message by BatchShift), 0 when none.
	Item, Other int
	// Unsure: the call failed after it was sent (the server stopped
	// before it answered, or did not answer in time), so what was asked
	// may have been done; every other refusal means nothing was done.
	Unsure bool
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Zh adds the message in Chinese and returns e.
func (e *Error) Zh(format string, args ...any) *Error {
	e.MessageZh = fmt.Sprintf(format, args...)
	return e
}

// On names the input field the refusal is about and returns e.
func (e *Error) On(field string) *Error {
	e.Field = field
	return e
}

// OnItem names the item of a batch the refusal is about (1-based) and
// returns e.
func (e *Error) OnItem(item int) *Error {
	e.Item = item
	return e
}

// Naming names another item of the batch the refusal is about (1-based),
// which its message names as the batch's kind says (BatchShift), and returns e.
func (e *Error) Naming(other int) *Error {
	e.Other = other
	return e
}

// ItemError is err refused as the item-th of a batch (1-based): a copy of
// its domain error with Item set; any other error (an internal one) as it
// is.
func ItemError(err error, item int) error {
	return amended(err, func(c *Error) { c.Item = item })
}

// FieldError is err refused as about the input field (a form's field, a
// request's): a copy of its domain error, its code and its Chinese kept,
// with Field set; any other error (an internal one) as it is.
func FieldError(err error, field string) error {
	return amended(err, func(c *Error) { c.Field = field })
}

// AtLine is err refused at a line of a file (an import's): a copy of its
// domain error, its code and field kept, said as "file:line: message" and,
// where it says it in Chinese, "file 第 line 行：消息", so the line reads in
// the operator's language with the reason; any other error as it is.
func AtLine(err error, file string, line int) error {
	return amended(err, func(c *Error) {
		c.Message = fmt.Sprintf("%s:%d: %s", file, line, c.Message)
		if c.MessageZh != "" {
			c.MessageZh = fmt.Sprintf("%s 第 %d 行：%s", file, line, c.MessageZh)
		}
	})
}

// amended is a copy of err's domain error changed by set (the error given
// may be shared); any other error as it is.
func amended(err error, set func(*Error)) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	set(&c)
	return &c
}

// MaybeDone marks e as the failure of a call that may have done what was
// asked (Unsure) and returns e.
func (e *Error) MaybeDone() *Error {
	e.Unsure = true
	return e
}

// MaybeDone reports whether err says what was asked may have been done
// though the call failed (a domain error marked Unsure); false for nil and
// for any other error.
func MaybeDone(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Unsure
}

// ofError is what err's domain error says (what of the *Error in its
// chain), orElse's for any other error, and "" for nil.
func ofError(err error, what func(*Error) string, orElse func(error) string) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return what(e)
	}
	return orElse(err)
}

// ErrorCode returns the code of err's domain error, EINTERNAL for any other
// error and "" for nil.
func ErrorCode(err error) string {
	return ofError(err, func(e *Error) string { return e.Code }, func(error) string { return EINTERNAL })
}

// ErrorMessage returns the message to show an operator: the domain error's
// message, or a generic line for anything else.
func ErrorMessage(err error) string {
	return ofError(err, func(e *Error) string { return e.Message }, func(err error) string { return "internal error: " + err.Error() })
}

// ErrorMessageZh is ErrorMessage in Chinese where the error says it in
// Chinese, and the English message where it does not.
func ErrorMessageZh(err error) string {
	return ofError(err, func(e *Error) string {
		if e.MessageZh != "" {
			return e.MessageZh
		}
		return e.Message
	}, func(err error) string { return "内部错误：" + err.Error() })
}

// ErrorItem returns the item of a batch (1-based) and the other item it
// names that err's domain error is about, 0 for none and for any other
// error.
func ErrorItem(err error) (item, other int) {
	var e *Error
	if errors.As(err, &e) {
		return e.Item, e.Other
	}
	return 0, 0
}

// ErrorField returns the input field err's domain error is about, "" when
// it names none or err is not a domain error.
func ErrorField(err error) string {
	return ofError(err, func(e *Error) string { return e.Field }, func(error) string { return "" })
}
