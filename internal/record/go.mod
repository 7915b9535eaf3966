module github.com/harcors/harcors/internal/record

go 1.26

replace github.com/harcors/harcors => ../..

require (
	github.com/chromedp/cdproto v0.159.2
	github.com/chromedp/chromedp v0.23.0
	github.com/harcors/harcors v0.0.0-00010101000000-000000000000
	github.com/rs/cors v1.11.1
)

require github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
