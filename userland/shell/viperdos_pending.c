/* Weak stand-ins for the libc calls the shell uses that ViperDOS's libc
 * does not have yet (the fd layer, processes and consoled land separately).
 * Each fails with ENOSYS; libc's real definition, once linked, wins over
 * the weak one, so this file can go when they have all landed. */
#ifdef __viperdos__
#endif
