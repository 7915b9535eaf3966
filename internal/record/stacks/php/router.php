<?php
// Plain PHP stack of the harcors fixture recorder, on 127.0.0.1:8814.
//
// The recorder runs `php -S 127.0.0.1:8814 router.php` here with Debian's
// php-cli and the production settings that matter (display_errors off, so
// that a fatal error is a 500). Every scenario is one script body below,
// chosen by the first path segment, written the way PHP APIs without a
// framework send their CORS headers: header() calls at the top of the
// script, with the mistakes people make with them. The <name>-fixed bodies
// are harcors' PHP fixes applied as written (see scenarios_php.go).

$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$name = explode('/', trim($path, '/'))[0];

function json_ok(): void
{
    header('Content-Type: application/json');
    echo '{"ok":true}';
}

function do_work(): void
{
    throw new RuntimeException('database unavailable');
}

switch ($name) {
    // An allowlist, OPTIONS answered first, Vary: Origin: a JSON PUT passes.
    case 'cors-ok':
        if (in_array($_SERVER['HTTP_ORIGIN'] ?? '', ['http://localhost:8800'], true)) {
            header('Access-Control-Allow-Origin: ' . $_SERVER['HTTP_ORIGIN']);
            header('Vary: Origin');
        }
        if ($_SERVER['REQUEST_METHOD'] === 'OPTIONS') {
            header('Access-Control-Allow-Methods: GET, PUT');
            header('Access-Control-Allow-Headers: Content-Type');
            http_response_code(204);
            exit;
        }
        json_ok();
        break;

    // The allowlist entry written as a URL: it never matches, no header.
    case 'origin-trailing-slash':
        if (in_array($_SERVER['HTTP_ORIGIN'] ?? '', ['http://localhost:8800/'], true)) {
            header('Access-Control-Allow-Origin: ' . $_SERVER['HTTP_ORIGIN']);
            header('Vary: Origin');
        }
        json_ok();
        break;

    // The snippet every answer on the web gives: * with credentials.
    case 'star-credentials':
        header('Access-Control-Allow-Origin: *');
        header('Access-Control-Allow-Credentials: true');
        json_ok();
        break;

    // The script checks its method first: the preflight gets 405.
    case 'method-check-first':
        if ($_SERVER['REQUEST_METHOD'] !== 'PUT') {
            header('Allow: PUT');
            http_response_code(405);
            exit;
        }
        header('Access-Control-Allow-Origin: *');
        header('Access-Control-Allow-Methods: PUT');
        json_ok();
        break;

    // The token check comes first: the preflight has no token, 401.
    case 'auth-before-cors':
        if (!isset($_SERVER['HTTP_AUTHORIZATION'])) {
            http_response_code(401);
            header('Content-Type: application/json');
            echo '{"error":"missing token"}';
            exit;
        }
        header('Access-Control-Allow-Origin: *');
        if ($_SERVER['REQUEST_METHOD'] === 'OPTIONS') {
            header('Access-Control-Allow-Headers: Authorization');
            http_response_code(204);
            exit;
        }
        json_ok();
        break;

    // The headers are sent after the work, which fails: PHP's 500 has
    // none of them.
    case 'exception-500':
        do_work();
        header('Access-Control-Allow-Origin: *');
        json_ok();
        break;

    // ---- harcors' fixes applied ----

    case 'origin-trailing-slash-fixed':
        if (in_array($_SERVER['HTTP_ORIGIN'] ?? '', ['http://localhost:8800'], true)) {
            header('Access-Control-Allow-Origin: ' . $_SERVER['HTTP_ORIGIN']);
            header('Vary: Origin');
        }
        json_ok();
        break;

    case 'star-credentials-fixed':
        if (in_array($_SERVER['HTTP_ORIGIN'] ?? '', ['http://localhost:8800'], true)) {
            header('Access-Control-Allow-Origin: ' . $_SERVER['HTTP_ORIGIN']);
            header('Access-Control-Allow-Credentials: true');
            header('Vary: Origin');
        }
        json_ok();
        break;

    case 'method-check-first-fixed':
        header('Access-Control-Allow-Origin: *');
        if ($_SERVER['REQUEST_METHOD'] === 'OPTIONS') {
            header('Access-Control-Allow-Methods: PUT');
            http_response_code(204);
            exit;
        }
        if ($_SERVER['REQUEST_METHOD'] !== 'PUT') {
            header('Allow: PUT');
            http_response_code(405);
            exit;
        }
        json_ok();
        break;

    case 'auth-before-cors-fixed':
        header('Access-Control-Allow-Origin: *');
        if ($_SERVER['REQUEST_METHOD'] === 'OPTIONS') {
            header('Access-Control-Allow-Headers: Content-Type, authorization');
            http_response_code(204);
            exit;
        }
        if (!isset($_SERVER['HTTP_AUTHORIZATION'])) {
            http_response_code(401);
            header('Content-Type: application/json');
            echo '{"error":"missing token"}';
            exit;
        }
        json_ok();
        break;

    // The headers at the top of the script; the failure stays, and the
    // page can read its 500.
    case 'exception-500-fixed':
        header('Access-Control-Allow-Origin: *');
        do_work();
        json_ok();
        break;

    default:
        http_response_code(404);
        echo 'no scenario ' . htmlspecialchars($name) . "\n";
}
