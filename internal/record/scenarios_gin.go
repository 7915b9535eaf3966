package main

import (
	"net/http"

	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"
	"github.com/harcors/harcors/analyze"
)

// Scenarios of the "gin" stack: a gin API on http://127.0.0.1:8810 with
// github.com/gin-contrib/cors, one gin engine per scenario (each with its
// own middleware order), configured with the mistakes of that package's
// issue tracker: an allowlist entry that is a URL instead of an origin
// (gin-contrib/cors then answers 403 with no header at all), AllowAllOrigins
// together with AllowCredentials, r.Use(cors...) after the routes (gin
// builds each route's handler chain when the route is registered, so the
// route has no cors, while the 404 chain that answers the preflight is
// rebuilt by Use and has it), an auth
// middleware in front of cors, and CORS headers added twice.

func init() { gin.SetMode(gin.ReleaseMode) }

// ginAt mounts a gin engine built by build at the scenario's path; build
// gets the path to register its routes on.
func ginAt(build func(r *gin.Engine, path string)) func(Muxes, string) {
	return func(m Muxes, p string) {
		r := gin.New()
		build(r, p)
		m.API.Handle(p, r)
	}
}

func ginOK(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"ok": true}) }

// ginAuth is a bearer-token check like the ones gin projects write; it
// knows nothing about preflights, which never carry the token.
func ginAuth(c *gin.Context) {
	if c.GetHeader("Authorization") == "" {
		c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": "missing token"})
		return
	}
	c.Next()
}

func ginConfig(origins ...string) cors.Config {
	cfg := cors.DefaultConfig()
	cfg.AllowOrigins = origins
	return cfg
}

// ginAuthConfig allows the page and the Authorization header.
func ginAuthConfig() cors.Config {
	cfg := ginConfig("http://localhost:8800")
	cfg.AllowHeaders = append(cfg.AllowHeaders, "Authorization")
	return cfg
}

func init() {
	register("gin",
		&Scenario{Name: "default-ok", Description: "r.Use(cors.Default()) (all origins) before the routes; simple GET gets Access-Control-Allow-Origin: * (passes)",
			JS: `await f(URL)`, Mount: ginAt(func(r *gin.Engine, p string) {
				r.Use(cors.Default())
				r.GET(p, ginOK)
			})},
		&Scenario{Name: "origin-trailing-slash", Description: "AllowOrigins holds \"http://localhost:8800/\" (a URL, not an origin): gin-contrib/cors answers 403 with no CORS header",
			JS: `await f(URL)`, Mount: ginAt(func(r *gin.Engine, p string) {
				r.Use(cors.New(ginConfig("http://localhost:8800/")))
				r.GET(p, ginOK)
			})},
		&Scenario{Name: "allow-all-credentials", Description: "AllowAllOrigins with AllowCredentials: gin-contrib/cors sends * and Allow-Credentials: true to a credentialed GET",
			JS: `await f(URL, {credentials: 'include'})`, Mount: ginAt(func(r *gin.Engine, p string) {
				cfg := cors.DefaultConfig()
				cfg.AllowAllOrigins = true
				cfg.AllowCredentials = true
				r.Use(cors.New(cfg))
				r.GET(p, ginOK)
			})},
		&Scenario{Name: "cors-after-routes", Description: "r.Use(cors.New(...)) called after r.PUT(...): gin's 404 chain (rebuilt by Use) answers the preflight with cors, but the PUT's own chain has no cors",
			JS: `await f(URL, {method: 'PUT', headers: {'Content-Type': 'application/json'}, body: '{}'})`, Mount: ginAt(func(r *gin.Engine, p string) {
				r.PUT(p, ginOK)
				r.Use(cors.New(ginConfig("http://localhost:8800")))
			})},
		&Scenario{Name: "auth-before-cors-preflight", Description: "r.Use(auth) before r.Use(cors.New(...)): the preflight, which has no token, gets the auth middleware's 401",
			JS: `await f(URL, {headers: {'Authorization': 'Bearer token-123'}})`, Mount: ginAt(func(r *gin.Engine, p string) {
				r.Use(ginAuth)
				r.Use(cors.New(ginAuthConfig()))
				r.GET(p, ginOK)
			})},
		&Scenario{Name: "auth-before-cors-401", Description: "The same order on a simple GET without a token: the 401 goes out before cors ran, without CORS headers",
			JS: `await f(URL)`, Mount: ginAt(func(r *gin.Engine, p string) {
				r.Use(ginAuth)
				r.Use(cors.New(ginConfig("http://localhost:8800")))
				r.GET(p, ginOK)
			})},
		&Scenario{Name: "header-added-twice", Description: "cors.New with the page's origin, and a hand-written middleware that adds Access-Control-Allow-Origin: * as well: two values",
			JS: `await f(URL)`, Mount: ginAt(func(r *gin.Engine, p string) {
				r.Use(cors.New(ginConfig("http://localhost:8800")))
				r.Use(func(c *gin.Context) { c.Writer.Header().Add("Access-Control-Allow-Origin", "*"); c.Next() })
				r.GET(p, ginOK)
			})},
		&Scenario{Name: "credentials-ok", Description: "AllowOrigins the page, AllowCredentials, before the routes: a credentialed JSON PUT passes",
			JS: `await f(URL, {method: 'PUT', credentials: 'include', headers: {'Content-Type': 'application/json'}, body: '{}'})`, Mount: ginAt(func(r *gin.Engine, p string) {
				cfg := ginConfig("http://localhost:8800")
				cfg.AllowCredentials = true
				r.Use(cors.New(cfg))
				r.PUT(p, ginOK)
			})},
	)
}

// Proofs of harcors' fixes on the gin stack. Only some gin responses give
// gin away (see analyze's fingerprint), so several fixes are the generic
// ones, applied in gin's idiom.
func init() {
	fixed := func(name, rule string, stack analyze.Stack, hash string, m func(Muxes, string), keys ...string) *Scenario {
		return &Scenario{Name: name + "-fixed", Mount: m, Proves: proof("gin--"+name, rule, stack, hash, keys...)}
	}
	register("gin",
		// The origin as the browser sends it.
		fixed("origin-trailing-slash", "CORS-A02", analyze.Gin, "e873667f14b2", ginAt(func(r *gin.Engine, p string) {
			r.Use(cors.New(cors.Config{AllowOrigins: []string{"http://localhost:8800"}, AllowMethods: []string{"GET"}}))
			r.GET(p, ginOK)
		}), "AllowOrigins"),
		// The echoed origin with credentials instead of AllowAllOrigins.
		fixed("allow-all-credentials", "CORS-A07", analyze.Generic, "f57a92a92767", ginAt(func(r *gin.Engine, p string) {
			cfg := ginConfig("http://localhost:8800")
			cfg.AllowCredentials = true
			r.Use(cors.New(cfg))
			r.GET(p, ginOK)
		})),
		// r.Use(cors.New(...)) before the routes.
		fixed("cors-after-routes", "CORS-A01", analyze.Gin, "3434fb8cef7a", ginAt(func(r *gin.Engine, p string) {
			r.Use(cors.New(cors.Config{AllowOrigins: []string{"http://localhost:8800"}, AllowMethods: []string{"PUT"}, AllowHeaders: []string{"Content-Type"}}))
			r.PUT(p, ginOK)
		}), "r.Use(cors.New(cors.Config{AllowOrigins: []string{\""),
		// CORS before auth: cors answers the preflight and aborts the chain.
		fixed("auth-before-cors-preflight", "CORS-P02", analyze.Generic, "c0343b743931", ginAt(func(r *gin.Engine, p string) {
			r.Use(cors.New(ginAuthConfig()))
			r.Use(ginAuth)
			r.GET(p, ginOK)
		})),
		// The same order, so the 401 carries the headers (the page reads it).
		fixed("auth-before-cors-401", "CORS-A02", analyze.Generic, "6bb3f08ff4a2", ginAt(func(r *gin.Engine, p string) {
			r.Use(cors.New(ginConfig("http://localhost:8800")))
			r.Use(ginAuth)
			r.GET(p, ginOK)
		})),
		// One layer: the hand-written middleware is gone.
		fixed("header-added-twice", "CORS-A05", analyze.Generic, "c3913e847143", ginAt(func(r *gin.Engine, p string) {
			r.Use(cors.New(ginConfig("http://localhost:8800")))
			r.GET(p, ginOK)
		})),
	)
}
