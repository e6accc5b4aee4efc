package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// MaxPayload is the largest legal frame payload: 16 MiB − 1.
const MaxPayload = 0xFFFFFF

// HeaderLen is the size of a frame's big-endian length prefix.
const HeaderLen = 4

var (
	// ErrFrameTooLarge is a length prefix above MaxPayload: a protocol error.
	ErrFrameTooLarge = errors.New("wire: frame length above 0xFFFFFF")
	// ErrEmptyFrame is a length prefix of zero.
	ErrEmptyFrame = errors.New("wire: empty frame")
	// ErrShortFrame means more bytes are needed to complete the frame.
	ErrShortFrame = errors.New("wire: incomplete frame")
)

// readChunk bounds how much Reader allocates ahead of data actually received,
// so a peer announcing 16 MiB and sending nothing costs us nothing.
const readChunk = 64 << 10

// keepBuffer is the most a Reader keeps between frames.
const keepBuffer = 1 << 20

// Reader reads frames from a byte stream into one reusable buffer.
type Reader struct {
	r   io.Reader
	hdr [HeaderLen]byte
	buf []byte
}

// NewReader returns a frame reader over r.
func NewReader(r io.Reader) *Reader { return &Reader{r: r} }

// ReadFrame returns the next frame's payload. The slice is valid only until
// the next call. A stream ending inside a frame gives io.ErrUnexpectedEOF; a
// stream ending between frames gives io.EOF.
func (r *Reader) ReadFrame() ([]byte, error) {
	if _, err := io.ReadFull(r.r, r.hdr[:]); err != nil {
		return nil, err
	}
	n, err := checkLength(binary.BigEndian.Uint32(r.hdr[:]))
	if err != nil {
		return nil, err
	}
	if cap(r.buf) > keepBuffer {
		r.buf = nil // one giant frame must not pin megabytes for the connection's life
	}
	r.buf = r.buf[:0]
	for len(r.buf) < n {
		want := min(n-len(r.buf), readChunk)
		start := len(r.buf)
		r.buf = grow(r.buf, want)
		if _, err := io.ReadFull(r.r, r.buf[start:start+want]); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("wire: frame of %d bytes: %w", n, err)
		}
	}
	return r.buf[:n], nil
}

// grow extends b's length by n, reallocating only when capacity runs out.
func grow(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b[:len(b)+n]
	}
	nb := make([]byte, len(b)+n, 2*cap(b)+n)
	copy(nb, b)
	return nb
}

func checkLength(n uint32) (int, error) {
	switch {
	case n == 0:
		return 0, ErrEmptyFrame
	case n > MaxPayload:
		return 0, fmt.Errorf("%w: %d", ErrFrameTooLarge, n)
	}
	return int(n), nil
}

// SplitFrame takes one frame off the front of data. It returns ErrShortFrame
// when data holds only part of a frame.
func SplitFrame(data []byte) (payload, rest []byte, err error) {
	if len(data) < HeaderLen {
		return nil, data, ErrShortFrame
	}
	n, err := checkLength(binary.BigEndian.Uint32(data))
	if err != nil {
		return nil, data, err
	}
	if len(data)-HeaderLen < n {
		return nil, data, ErrShortFrame
	}
	return data[HeaderLen : HeaderLen+n], data[HeaderLen+n:], nil
}

// AppendFrame appends payload to dst behind its length prefix.
func AppendFrame(dst, payload []byte) ([]byte, error) {
	if len(payload) == 0 {
		return dst, ErrEmptyFrame
	}
	if len(payload) > MaxPayload {
		return dst, fmt.Errorf("%w: %d", ErrFrameTooLarge, len(payload))
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(payload)))
	return append(dst, payload...), nil
}

// AppendMessage appends m, encoded for server version v, as one frame.
func AppendMessage(dst []byte, m Message, v int) ([]byte, error) {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	dst = m.AppendFields(dst, v)
	n := len(dst) - start - HeaderLen
	if n > MaxPayload {
		return dst[:start], fmt.Errorf("%w: message %d is %d bytes", ErrFrameTooLarge, m.MsgID(), n)
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(n))
	return dst, nil
}
