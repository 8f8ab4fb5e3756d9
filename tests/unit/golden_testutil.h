/* Shared by the view tests: a view's text against its golden file, the
 * first differing line printed before the test fails.
 * IFL_GOLDEN_UPDATE=1 in the environment writes the golden files instead
 * of comparing (then review the diff). Include after cmocka.h. */
#ifndef GOLDEN_TESTUTIL_H
#define GOLDEN_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline char *
golden_slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *s;
	long n;

	if (fp == NULL)
		return NULL;
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
	s[n] = '\0';
	fclose(fp);
	return s;
}

/* got (what cmd printed) against the file path; frees nothing. */
static inline void
golden_check(const char *cmd, const char *got, const char *path)
{
	char *want;

	if (getenv("IFL_GOLDEN_UPDATE") != NULL) {
		FILE *fp = fopen(path, "w");

		assert_non_null(fp);
		assert_int_equal(fputs(got, fp) >= 0, 1);
		assert_int_equal(fclose(fp), 0);
	}
	want = golden_slurp(path);
	if (want == NULL)
		fail_msg("%s: missing (IFL_GOLDEN_UPDATE=1 writes it)", path);
	if (strcmp(got, want) != 0) {
		const char *g = got, *w = want;
		int n = 1;

		while (*g && *w && strcspn(g, "\n") == strcspn(w, "\n") &&
		    strncmp(g, w, strcspn(g, "\n")) == 0) {
			g += strcspn(g, "\n") + (g[strcspn(g, "\n")] != '\0');
			w += strcspn(w, "\n") + (w[strcspn(w, "\n")] != '\0');
			n++;
		}
		print_error("%s: line %d differs:\n  got:  %.*s\n  want: %.*s\n", cmd, n,
		    (int)strcspn(g, "\n"), g, (int)strcspn(w, "\n"), w);
		free(want);
		fail();
	}
	free(want);
}

#endif
