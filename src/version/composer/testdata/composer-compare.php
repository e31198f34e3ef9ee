<?php
// Oracle: composer/semver (Debian's php-composer-semver). Reads "A<TAB>B" lines on stdin; normalizes
// both with VersionParser and prints -1, 0 or 1 from Comparator, or "invalid" when normalize throws.
require '/usr/share/php/Composer/Semver/autoload.php';

use Composer\Semver\Comparator;
use Composer\Semver\VersionParser;

$parser = new VersionParser();
while (($line = fgets(STDIN)) !== false) {
    [$a, $b] = explode("\t", rtrim($line, "\n"), 2);
    try {
        $na = $parser->normalize($a);
        $nb = $parser->normalize($b);
    } catch (UnexpectedValueException $e) {
        echo "invalid\n";
        continue;
    }
    echo Comparator::lessThan($na, $nb) ? -1 : (Comparator::equalTo($na, $nb) ? 0 : 1), "\n";
}
