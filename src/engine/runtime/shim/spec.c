/* An attach client's spec: which streams it wants, how its output is framed and
 * the detach sequence that ends it. */
#include <string.h>

#include "attach.h"
#include "shim.h"

static int hexval(char ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

int attach_spec(struct client *c, const char *spec, int *ack)
{
	const char *p = spec;
	c->want = 0;
	c->raw = S.cfg.tty;
	c->nkeys = c->matched = 0;
	for (; *p && *p != ':'; p++) {
		switch (*p) {
		case 'i': c->want |= W_IN; break;
		case 'o': c->want |= W_OUT; break;
		case 'e': c->want |= W_ERR; break;
		case 'a': *ack = 1; break;
		case 'r': c->raw = 1; break;
		case 'm': c->raw = 0; break;
		default: return -1;
		}
	}
	if (*p == ':') {
		for (p++; p[0] && p[1]; p += 2) {
			int hi = hexval(p[0]), lo = hexval(p[1]);
			if (hi < 0 || lo < 0 || c->nkeys == DETACH_MAX)
				return -1;
			c->keys[c->nkeys++] = (unsigned char)(hi * 16 + lo);
		}
		if (*p)
			return -1;
	}
	/* As dockerd: only a terminal's input is watched for the detach sequence. */
	if (!S.cfg.tty)
		c->nkeys = 0;
	return c->want ? 0 : -1;
}
