package har

import "time"

// parseTime reads startedDateTime as exporters write it: RFC 3339 with any
// number of fraction digits (Chrome ms, mitmproxy µs, Fiddler 7 digits) or
// none (Proxyman), and a zone of Z, ±hh:mm (Firefox, Charles, mitmproxy's
// +00:00), ±hhmm (Logger++, Java's SimpleDateFormat) or ±hh. A space or a
// lower-case t may separate date and time. A date with no zone at all is
// read as UTC and zoned is false, so that the caller can warn.
//
// It is hand-written rather than a loop over time.Parse layouts because it
// runs once per entry and allocates nothing (zones are cached per offset).
func (r *Reader) parseTime(b []byte) (t time.Time, zoned, ok bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || b[13] != ':' || b[16] != ':' {
		return t, false, false
	}
	switch b[10] {
	case 'T', 't', ' ':
	default:
		return t, false, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	hour, ok4 := digits(b[11:13])
	min, ok5 := digits(b[14:16])
	sec, ok6 := digits(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) ||
		month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
		hour > 23 || min > 59 || sec > 60 {
		return t, false, false
	}
	i := 19
	nsec := 0
	if i < len(b) && (b[i] == '.' || b[i] == ',') {
		i++
		n := 0
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if n < 9 {
				nsec = nsec*10 + int(b[i]-'0')
			}
			n++
		}
		if n == 0 {
			return t, false, false
		}
		for ; n < 9; n++ {
			nsec *= 10
		}
	}
	loc := time.UTC
	switch {
	case i == len(b):
		// No zone.
	case (b[i] == 'Z' || b[i] == 'z') && i+1 == len(b):
		zoned = true
	case b[i] == '+' || b[i] == '-':
		z := b[i+1:]
		var hh, mm int
		var okh, okm bool
		switch len(z) {
		case 2: // +02
			hh, okh = digits(z)
			okm = true
		case 4: // +0200
			hh, okh = digits(z[:2])
			mm, okm = digits(z[2:])
		case 5: // +02:00
			hh, okh = digits(z[:2])
			mm, okm = digits(z[3:])
			okm = okm && z[2] == ':'
		}
		if !okh || !okm || hh > 23 || mm > 59 {
			return t, false, false
		}
		off := (hh*60 + mm) * 60
		if b[i] == '-' {
			off = -off
		}
		loc = r.zone(off)
		zoned = true
	default:
		return t, false, false
	}
	return time.Date(year, time.Month(month), day, hour, min, sec, nsec, loc), zoned, true
}

// zone returns a fixed zone for a UTC offset in seconds, cached: a file
// uses one or two offsets, and time.FixedZone allocates.
func (r *Reader) zone(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	if loc, ok := r.zones[off]; ok {
		return loc
	}
	loc := time.FixedZone("", off)
	if r.zones == nil {
		r.zones = make(map[int]*time.Location)
	}
	if len(r.zones) < 64 {
		r.zones[off] = loc
	}
	return loc
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
