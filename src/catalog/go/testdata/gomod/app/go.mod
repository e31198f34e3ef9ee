module example.com/app

go 1.19

require (
	example.com/dep v1.4.0
	example.com/lib v1.2.3
	example.com/tool v0.3.1 // indirect
)

replace example.com/lib v1.2.3 => ../lib

replace example.com/tool => example.com/toolfork v0.3.2
