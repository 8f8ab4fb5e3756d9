/* A state model for the web tests: tunnels whose connection names and IDs
 * are hostile (markup, quotes, backslashes, a newline), a configured
 * connection with no tunnel and a failure, one that ended, and plain ones.
 * Used by tests/unit/test_web.c and tests/web/web_fixture.c. */
#ifndef IKEFLOW_TESTS_WEB_MODEL_H
#define IKEFLOW_TESTS_WEB_MODEL_H

#include <stdint.h>

#define HOSTILE_NAME	"<script>alert(\"x\")</script>'&\\"
#define HOSTILE_ID	"evil\"\nid</td><img src=x onerror=alert(1)>"

/* n plain tunnels "peerN" besides the hostile ones; returns the hostile
 * tunnel's index. */
uint32_t web_model_build(int n);

#endif
