# Oracle: RubyGems' own Gem::Version (Debian's ruby). Reads "A<TAB>B" lines on stdin; prints the sign
# of A <=> B per line, or "invalid" when Gem::Version.correct? rejects either side.
require 'rubygems'

$stdin.each_line do |line|
  a, b = line.chomp("\n").split("\t", 2)
  if Gem::Version.correct?(a) && Gem::Version.correct?(b)
    puts(Gem::Version.new(a) <=> Gem::Version.new(b))
  else
    puts 'invalid'
  end
end
