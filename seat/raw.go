package seat

import (
	"io"
	"reflect"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// rawChannel is the session's SSH channel itself, for a seat's frames. With
// an emulated PTY the session's own Write turns every "\n" into "\r\n",
// copying the whole frame twice to do it; a seat's frames move the cursor
// by position and hold no "\n", so they go to the channel as they are,
// and the copies (megabytes a second with hundreds of seats) are not made.
// The channel is the session's embedded gossh.Channel; a session of
// another shape is written as it is.
func rawChannel(sess ssh.Session) io.Writer {
	v := reflect.ValueOf(sess)
	if v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		if f := v.Elem().FieldByName("Channel"); f.IsValid() && f.CanInterface() {
			if ch, ok := f.Interface().(gossh.Channel); ok && ch != nil {
				return ch
			}
		}
	}
	return sess
}
