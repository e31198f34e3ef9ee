# A developer-style gemspec (as in a gem's source tree), not RubyGems' normalized form.
Gem::Specification.new do |spec|
  spec.name          = 'acme-client'
  spec.version       = Gem::Version.new('2.0.18')
  spec.authors       = ['Example Author']
  spec.summary       = %q{An ACME client}
  spec.license       = 'MIT'
  spec.platform      = 'java'
  spec.files         = []
end
