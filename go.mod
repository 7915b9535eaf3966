module github.com/harcors/harcors

go 1.26
