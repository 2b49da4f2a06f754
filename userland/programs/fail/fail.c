/* fail: exits with code 3 at once — init's test of giving up on a service
 * that keeps failing. */
int main(void) { return 3; }
