# Rack + rack-cors stack of the harcors fixture recorder, on 127.0.0.1:8813.
#
# The recorder runs `rackup -s webrick -o 127.0.0.1 -p 8813 config.ru` here
# with Debian's ruby-rack, ruby-rack-cors and ruby-webrick. Every scenario
# is its own small Rack app under its own path (Rack::URLMap), with its own
# `use Rack::Cors` block and middleware order, as a Rails app has it in
# config/initializers/cors.rb and config.middleware.
require 'json'
require 'rack'
require 'rack/cors'

PAGE = 'http://localhost:8800'.freeze
OK = ->(_env) { [200, { 'Content-Type' => 'application/json' }, ['{"ok":true}']] }

# A token check like the ones apps write; it knows nothing of preflights.
class TokenAuth
  def initialize(app)
    @app = app
  end

  def call(env)
    return [401, { 'Content-Type' => 'application/json' }, ['{"error":"missing token"}']] unless env['HTTP_AUTHORIZATION']

    @app.call(env)
  end
end

apps = {}

# origins lists the page, PUT allowed: a JSON PUT passes.
apps['cors-ok'] = Rack::Builder.new do
  use Rack::Cors do
    allow do
      origins 'http://localhost:8800'
      resource '*', headers: :any, methods: [:get, :put, :options]
    end
  end
  run OK
end

# The origin written as a URL, with a trailing slash: no match, no header.
apps['origin-trailing-slash'] = Rack::Builder.new do
  use Rack::Cors do
    allow do
      origins 'http://localhost:8800/'
      resource '*', headers: :any, methods: [:get]
    end
  end
  run OK
end

# origins '*' (rack-cors refuses credentials: true with it) used by a page
# that fetches with credentials: 'include'.
apps['star-credentials'] = Rack::Builder.new do
  use Rack::Cors do
    allow do
      origins '*'
      resource '*', headers: :any, methods: [:get]
    end
  end
  run OK
end

# methods without :put: rack-cors answers the preflight 200 with no CORS
# header at all.
apps['method-not-listed'] = Rack::Builder.new do
  use Rack::Cors do
    allow do
      origins 'http://localhost:8800'
      resource '*', headers: :any, methods: [:get, :post]
    end
  end
  run OK
end

# The auth middleware above Rack::Cors answers the preflight 401.
apps['auth-before-cors'] = Rack::Builder.new do
  use TokenAuth
  use Rack::Cors do
    allow do
      origins 'http://localhost:8800'
      resource '*', headers: :any, methods: [:get]
    end
  end
  run OK
end

# The app raises: the exception passes up through Rack::Cors, and the
# server's 500 has no CORS headers.
apps['exception-500'] = Rack::Builder.new do
  use Rack::Cors do
    allow do
      origins 'http://localhost:8800'
      resource '*', headers: :any, methods: [:get]
    end
  end
  run ->(_env) { raise 'boom' }
end

# ---- Proofs: each failing scenario above with harcors' fix applied ----
# (app <name>-fixed; proof entries in scenarios_rack.go)

# CORS-A01: origins written exactly as the browser sends it.
apps['origin-trailing-slash-fixed'] = Rack::Builder.new do
  use Rack::Cors do
    allow do
      origins 'http://localhost:8800'
      resource '*', headers: :any, methods: [:get]
    end
  end
  run OK
end

# CORS-A07: the page's origin and credentials: true.
apps['star-credentials-fixed'] = Rack::Builder.new do
  use Rack::Cors do
    allow do
      origins 'http://localhost:8800'
      resource '*', headers: :any, methods: [:get], credentials: true
    end
  end
  run OK
end

# CORS-P05: the method allowed, as a lower-case symbol.
apps['method-not-listed-fixed'] = Rack::Builder.new do
  use Rack::Cors do
    allow do
      origins 'http://localhost:8800'
      resource '*', headers: :any, methods: [:get, :post, :put, :patch, :delete, :options]
    end
  end
  run OK
end

# CORS-P02: Rack::Cors above the auth middleware.
apps['auth-before-cors-fixed'] = Rack::Builder.new do
  use Rack::Cors do
    allow do
      origins 'http://localhost:8800'
      resource '*', headers: :any, methods: [:get]
    end
  end
  use TokenAuth
  run OK
end

# CORS-A02: Rack::Cors first, errors rendered inside it.
apps['exception-500-fixed'] = Rack::Builder.new do
  use Rack::Cors do
    allow do
      origins 'http://localhost:8800'
      resource '*', headers: :any, methods: [:get]
    end
  end
  use Rack::ShowExceptions
  run ->(_env) { raise 'boom' }
end

run Rack::URLMap.new(apps.transform_keys { |k| "/#{k}" })
