/* File-name patterns, as POSIX fnmatch() without flags: '*' any string,
 * '?' any one character, "[...]" a bracket expression ("[!a-z]" or
 * "[^a-z]" negated, classes as "[[:digit:]]"), '\' quotes the next
 * character. find's -name uses it on base names, so '/' and a leading
 * '.' are ordinary characters. An unclosed '[' is an ordinary character;
 * a bracket with an unknown class matches nothing (as glibc). */
#ifndef VIPERDOS_UTILS_FNMATCH_H_
#define VIPERDOS_UTILS_FNMATCH_H_

/* 1 if `name` matches `pattern` as a whole, else 0. */
int fnmatch_match(const char* pattern, const char* name);

#endif /* VIPERDOS_UTILS_FNMATCH_H_ */
