/* Command line: labd-shim --id ID --bundle DIR --runtime PATH --runtime-root DIR
 *   --state-dir DIR --log PATH [--log-max-size BYTES [--log-max-files N]] [--tty] [--stdin] [--stdin-once] [--exec PROCESS_JSON] [--hold]
 *   [--client-fd N --client-streams ioe] */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "shim.h"

int parse_args(int argc, char **argv, struct config *cfg, char *err, size_t errlen)
{
	const struct { const char *name; const char **val; } opts[] = {
		{ "--id", &cfg->id },
		{ "--bundle", &cfg->bundle },
		{ "--runtime", &cfg->runtime },
		{ "--runtime-root", &cfg->runtime_root },
		{ "--state-dir", &cfg->state_dir },
		{ "--log", &cfg->log_path },
		{ "--log-max-size", &cfg->log_max_size },
		{ "--log-max-files", &cfg->log_max_files },
		{ "--exec", &cfg->exec_json },
		{ "--client-fd", &cfg->client_fd },
		{ "--client-streams", &cfg->client_streams },
	};
	const struct { const char *name; int *flag; } flags[] = {
		{ "--tty", &cfg->tty },
		{ "--stdin", &cfg->stdin_open },
		{ "--stdin-once", &cfg->stdin_once },
		{ "--hold", &cfg->hold },
	};

	memset(cfg, 0, sizeof *cfg);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t k;
		for (k = 0; k < sizeof opts / sizeof opts[0]; k++) {
			if (strcmp(a, opts[k].name) != 0)
				continue;
			if (i + 1 >= argc || argv[i + 1][0] == '\0') {
				snprintf(err, errlen, "option %s needs a value", a);
				return -1;
			}
			*opts[k].val = argv[++i];
			break;
		}
		if (k < sizeof opts / sizeof opts[0])
			continue;
		for (k = 0; k < sizeof flags / sizeof flags[0]; k++) {
			if (strcmp(a, flags[k].name) == 0) {
				*flags[k].flag = 1;
				break;
			}
		}
		if (k == sizeof flags / sizeof flags[0]) {
			snprintf(err, errlen, "unknown argument %s", a);
			return -1;
		}
	}

	const char *missing = !cfg->id ? "--id"
		: !cfg->bundle && !cfg->exec_json ? "--bundle"
		: !cfg->runtime ? "--runtime"
		: !cfg->runtime_root ? "--runtime-root"
		: !cfg->state_dir ? "--state-dir"
		: !cfg->log_path ? "--log" : NULL;
	if (missing) {
		snprintf(err, errlen, "missing %s", missing);
		return -1;
	}
	if (cfg->log_max_size && atoll(cfg->log_max_size) <= 0) {
		snprintf(err, errlen, "--log-max-size needs a positive number of bytes");
		return -1;
	}
	if (cfg->log_max_files && (atoi(cfg->log_max_files) < 1 || atoi(cfg->log_max_files) > 1000)) {
		snprintf(err, errlen, "--log-max-files needs a number from 1 to 1000");
		return -1;
	}
	if (cfg->client_fd && (atoi(cfg->client_fd) < 3 || !cfg->client_streams)) {
		snprintf(err, errlen, "--client-fd needs a descriptor above 2 and --client-streams");
		return -1;
	}
	return 0;
}
