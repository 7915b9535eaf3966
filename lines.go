package main

import (
	"bufio"
	"errors"
	"io"
	"strings"
)

// maxConsoleLine is the longest console line read: a CORS message is a
// sentence and a URL. A console log saved from DevTools can hold a logged
// object of many megabytes on one line; it is skipped, not an error that
// loses the whole log.
const maxConsoleLine = 1 << 20

// eachLine calls f with each line of r, without its line ending, and long
// with the number of each line longer than maxConsoleLine, which it skips.
func eachLine(r io.Reader, f func(line string), long func(n int)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var line []byte
	over := false
	for n := 1; ; n++ {
		for {
			chunk, err := br.ReadSlice('\n')
			size := len(line) + len(chunk)
			if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' {
				size-- // the line ending is not the line's
			}
			if !over && size > maxConsoleLine {
				over, line = true, line[:0]
			}
			if !over {
				line = append(line, chunk...)
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			end := err == io.EOF
			if err != nil && !end {
				return err
			}
			if end && len(chunk) == 0 && len(line) == 0 && !over {
				return nil
			}
			if over {
				long(n)
			} else {
				f(strings.TrimRight(string(line), "\r\n"))
			}
			if end {
				return nil
			}
			line, over = line[:0], false
			break
		}
	}
}
