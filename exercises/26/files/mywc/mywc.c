/* mywc: counts lines, words and bytes of its input, like wc (the previous practical's program). */
#include <ctype.h>
#include <stdio.h>

int main(int argc, char **argv) {
    FILE *in = argc > 1 ? fopen(argv[1], "r") : stdin;
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    long lines = 0, words = 0, bytes = 0;
    int c, inword = 0;
    while ((c = fgetc(in)) != EOF) {
        bytes++;
        if (c == '\n') lines++;
        if (isspace(c)) inword = 0;
        else if (!inword) { inword = 1; words++; }
    }
    printf("%ld %ld %ld\n", lines, words, bytes);
    return 0;
}
