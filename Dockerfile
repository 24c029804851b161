FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    WORKLIST_HOME=/data WORKLIST_API_HOST=0.0.0.0 WORKLIST_DICOM_HOST=0.0.0.0 \
    WORKLIST_HL7_HOST=0.0.0.0 \
    WORKLIST_LOG_FORMAT=json

RUN useradd --create-home --uid 10001 worklist && mkdir /data && chown worklist /data
WORKDIR /opt/worklist
# The locked versions, hashes checked, in a layer of their own: rebuilt only when the lock changes.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY app ./app
COPY dicom_listener ./dicom_listener
COPY hl7_listener ./hl7_listener
COPY migrations ./migrations
RUN pip install --no-cache-dir --no-deps --no-build-isolation -e . && pip check

USER worklist
VOLUME ["/data"]
EXPOSE 8000 11112 2575
ENTRYPOINT ["worklist"]
CMD ["api"]
