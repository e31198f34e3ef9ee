module example.com/vigil/oldgo

go 1.20

require (
	github.com/gin-gonic/gin v1.6.0
	github.com/dgrijalva/jwt-go v3.2.0+incompatible
	github.com/gorilla/websocket v1.4.0
	golang.org/x/net v0.0.0-20200202094626-16171245cfb2
	golang.org/x/crypto v0.0.0-20200220183623-bac4c82f6975
	gopkg.in/yaml.v2 v2.2.2
	github.com/prometheus/client_golang v1.11.0
)
