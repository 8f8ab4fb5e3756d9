/* Basic authentication of the web server (web/auth.c). */
#ifndef IKEFLOW_WEB_AUTH_H
#define IKEFLOW_WEB_AUTH_H

/* Reads USER:HASH lines; "" or NULL: no authentication. 0 / -1 (logged as
 * FILE:LINE; then no user is accepted). */
int	auth_load(const char *path);
void	auth_clear(void);
int	auth_enabled(void);
/* 1 when the password matches the user's hash. */
int	auth_check(const char *user, const char *pass);

#endif
